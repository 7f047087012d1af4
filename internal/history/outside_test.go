package history_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

func TestChangeMadeOutsideIsRecordedOnceWithBothValues(t *testing.T) {
	eachDialect(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, dbtest.Open(t, d), nil)
		f.get(t) // first sight: nothing to compare with
		if got := f.outside(t); len(got) != 0 {
			t.Fatalf("first sight recorded %d events", len(got))
		}
		f.outsideEdit(t, func(r *emulator.Room) { r.RoomName, r.Category = "Renamed elsewhere", []int{7} })
		f.get(t)
		f.get(t) // the same difference again: already recorded
		got := f.outside(t)
		if len(got) != 1 {
			t.Fatalf("got %d changed-outside events, want 1", len(got))
		}
		e := got[0].Entry
		want := []audit.Change{
			{Field: "RoomName", Before: `"Friday Karaoke"`, After: `"Renamed elsewhere"`},
			{Field: "Category", Before: `[1,2]`, After: `[7]`},
		}
		if fmt.Sprint(e.Changes) != fmt.Sprint(want) {
			t.Errorf("changes = %v, want %v", e.Changes, want)
		}
		if e.Kind != audit.KindEvent || e.App != appID || e.Outcome != audit.OutcomeOK || e.Actor != "system" {
			t.Errorf("event = %+v", e)
		}
		// A second difference later is a second event.
		f.outsideEdit(t, func(r *emulator.Room) { r.Notice = "New rules" })
		f.get(t)
		if got := f.outside(t); len(got) != 2 || got[0].Entry.Changes[0].Field != "Notice" {
			t.Fatalf("after a second outside change: %+v", got)
		}
		if rep, err := f.log.Verify(context.Background()); err != nil || !rep.OK() {
			t.Fatalf("chain: %+v %v", rep, err)
		}
	})
}

func TestRoomdesksOwnChangesAreNotOutside(t *testing.T) {
	eachDialect(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, dbtest.Open(t, d), nil)
		if res := f.edit(t, "RoomName", "Ramen Night"); res.Outcome != audit.OutcomeOK {
			t.Fatalf("edit: %+v", res)
		}
		f.get(t)
		// An update whose answer was lost, but which Tencent applied.
		f.emu.DropAfterApply(tencent.CmdUpdateRoomInfo, 1)
		if res := f.edit(t, "Notice", "Closed today"); res.Outcome != audit.OutcomeUnknown {
			t.Fatalf("edit with a lost answer: %+v", res)
		}
		f.get(t)
		if got := f.outside(t); len(got) != 0 {
			t.Fatalf("roomdesk's own changes recorded as outside: %+v", got[0].Entry)
		}
		// An outside change of the same field to another value is outside.
		f.outsideEdit(t, func(r *emulator.Room) { r.Notice = "Open again" })
		f.get(t)
		if got := f.outside(t); len(got) != 1 || got[0].Entry.Changes[0].Before != `"Closed today"` {
			t.Fatalf("outside change after an unknown one: %+v", got)
		}
	})
}

func TestListPagesCompareTheListedFieldsOnly(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite), nil)
	if _, err := f.rooms.List(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	// A field the list does not carry: first seen on the next read, no event.
	f.outsideEdit(t, func(r *emulator.Room) { r.Notice = "unseen" })
	f.get(t)
	if got := f.outside(t); len(got) != 0 {
		t.Fatalf("a field first seen recorded %d events", len(got))
	}
	f.outsideEdit(t, func(r *emulator.Room) { r.RoomName = "Listed rename" })
	if _, err := f.rooms.List(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	got := f.outside(t)
	if len(got) != 1 || len(got[0].Entry.Changes) != 1 || got[0].Entry.Changes[0].Field != "RoomName" {
		t.Fatalf("list sight: %+v", got)
	}
}

// Two instances on one database that read the same changed room at once
// record the difference once.
func TestConcurrentReadersRecordADifferenceOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, d db.Dialect) {
		first, second := twoHandles(t, d)
		a := newFixture(t, first, nil)
		b := newFixture(t, second, a.emu)
		a.get(t)
		a.outsideEdit(t, func(r *emulator.Room) { r.ActivityStatus = 9 })
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fx := a
				if i%2 == 1 {
					fx = b
				}
				if _, err := fx.rooms.Get(context.Background(), roomID); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got := a.outside(t); len(got) != 1 {
			t.Fatalf("got %d events for one difference seen 8 times by 2 instances", len(got))
		}
	})
}

// twoHandles is one database opened twice on PostgreSQL, as two instances
// would; SQLite serves one process, so both are the same handle.
func twoHandles(t *testing.T, d db.Dialect) (*db.DB, *db.DB) {
	if d == db.SQLite {
		h := dbtest.Open(t, d)
		return h, h
	}
	url := dbtest.NewPostgresDatabase(t)
	open := func() *db.DB {
		h, err := db.Open(context.Background(), db.Options{URL: url, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}
	return open(), open()
}
