package schedule_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/schedule"
)

func TestApplyThenRevertAtTheirTimes(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.put("r1", "old", "n0")
		now := f.clock.Now()
		sc, err := f.svc.Create(ctx, olga, schedule.Request{Rooms: []string{"r1"},
			Submitted: form("RoomName", "campaign", "Notice", "n0"), Original: form("RoomName", "old", "Notice", "n0"),
			ApplyAt: now.Add(5 * time.Second), RevertAt: now.Add(10 * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		if got := sc.Fields; len(got) != 1 || got.Get("RoomName") != "campaign" {
			t.Fatalf("scheduled fields %v, want only RoomName (Notice did not change)", got)
		}
		if n := f.runDue(t); n != 0 {
			t.Fatalf("%d steps ran before their time", n)
		}
		f.clock.Add(5 * time.Second)
		if n := f.runDue(t); n != 1 {
			t.Fatalf("at apply time %d steps ran, want 1", n)
		}
		if got := f.room(t, "r1").RoomName; got != "campaign" {
			t.Fatalf("after apply RoomName = %q", got)
		}
		f.clock.Add(4 * time.Second)
		if n := f.runDue(t); n != 0 {
			t.Fatalf("the revert ran %d steps a second early", n)
		}
		f.clock.Add(time.Second)
		if n := f.runDue(t); n != 1 {
			t.Fatalf("at revert time %d steps ran, want 1", n)
		}
		if got := f.room(t, "r1").RoomName; got != "old" {
			t.Fatalf("after revert RoomName = %q", got)
		}
		if got := f.emu.UpdateCount("r1"); got != 2 {
			t.Fatalf("room updated %d times, want 2", got)
		}
		got := f.get(t, sc.ID)
		if got.Status() != schedule.StepDone {
			t.Fatalf("status %s, steps %+v", got.Status(), got.Steps)
		}
		var notes []string
		for _, e := range f.entries(t, audit.ActionRoomUpdate) {
			if e.Kind == audit.KindIntent {
				notes = append(notes, e.Detail)
			}
		}
		want := []string{"schedule " + sc.Key(), "schedule " + sc.Key() + " (revert)"}
		if strings.Join(notes, "|") != strings.Join(want, "|") {
			t.Fatalf("room.update notes %q, want %q", notes, want)
		}
		if c := f.entries(t, audit.ActionScheduleCreate); len(c) != 1 || c[0].RoomID != "r1" || c[0].Actor != "olga" {
			t.Fatalf("schedule.create entries %+v", c)
		}
	})
}

func TestFieldChangedSinceSchedulingIsSkippedAndFlagged(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.put("r1", "old", "n0")
		now := f.clock.Now()
		sc, err := f.svc.Create(ctx, olga, schedule.Request{Rooms: []string{"r1"},
			Submitted: form("RoomName", "campaign", "Notice", "sale"), Original: form("RoomName", "old", "Notice", "n0"),
			ApplyAt: now.Add(time.Minute), RevertAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		f.put("r1", "renamed elsewhere", "n0") // someone else changes the name meanwhile
		f.clock.Add(time.Minute)
		f.runDue(t)
		r := f.room(t, "r1")
		if r.RoomName != "renamed elsewhere" || r.Notice != "sale" {
			t.Fatalf("room after apply: %q %q; want the name kept and the notice applied", r.RoomName, r.Notice)
		}
		got := f.get(t, sc.ID)
		apply := got.Steps[0]
		if apply.Status != schedule.StepFlagged || len(apply.Flags) != 1 || apply.Flags[0].Field != "RoomName" ||
			apply.Flags[0].Found != "renamed elsewhere" || apply.Flags[0].Expected != "old" {
			t.Fatalf("apply step %+v", apply)
		}
		skips := f.entries(t, audit.ActionScheduleSkip)
		if len(skips) != 1 || skips[0].RoomID != "r1" || !strings.Contains(skips[0].Detail, "schedule "+sc.Key()) ||
			!strings.Contains(skips[0].Detail, "RoomName") {
			t.Fatalf("schedule.skip entries %+v", skips)
		}
		// The revert restores only what the apply set.
		f.clock.Add(time.Hour)
		f.runDue(t)
		r = f.room(t, "r1")
		if r.RoomName != "renamed elsewhere" || r.Notice != "n0" {
			t.Fatalf("room after revert: %q %q", r.RoomName, r.Notice)
		}
		if got := f.emu.UpdateCount("r1"); got != 2 {
			t.Fatalf("updated %d times", got)
		}
	})
}

func TestApplyAnywayOverwritesAFieldChangedSince(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d)
		f.put("r1", "old", "n0")
		now := f.clock.Now()
		sc, err := f.svc.Create(context.Background(), olga, schedule.Request{Rooms: []string{"r1"},
			Submitted: form("RoomName", "campaign"), Original: form("RoomName", "old"),
			ApplyAt: now.Add(time.Minute), RevertAt: now.Add(time.Hour), OnConflict: schedule.OnConflictApply})
		if err != nil {
			t.Fatal(err)
		}
		f.put("r1", "renamed elsewhere", "n0")
		f.clock.Add(time.Minute)
		f.runDue(t)
		if got := f.room(t, "r1").RoomName; got != "campaign" {
			t.Fatalf("RoomName %q, want applied anyway", got)
		}
		f.clock.Add(time.Hour)
		f.runDue(t)
		if got := f.room(t, "r1").RoomName; got != "renamed elsewhere" {
			t.Fatalf("after revert RoomName %q, want the value it replaced", got)
		}
		if st := f.get(t, sc.ID).Status(); st != schedule.StepDone {
			t.Fatalf("status %s", st)
		}
	})
}

func TestCancelBeforeItRuns(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		f.put("r1", "old", "n0")
		sc, err := f.svc.Create(ctx, olga, schedule.Request{Rooms: []string{"r1"}, Submitted: form("RoomName", "x"),
			Original: form("RoomName", "old"), ApplyAt: f.clock.Now().Add(time.Minute), RevertAt: f.clock.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Cancel(ctx, olga, sc.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(2 * time.Hour)
		if n := f.runDue(t); n != 0 || f.emu.UpdateCount("r1") != 0 {
			t.Fatalf("a cancelled change ran: %d steps, %d updates", n, f.emu.UpdateCount("r1"))
		}
		if st := f.get(t, sc.ID).Status(); st != schedule.StepCancelled {
			t.Fatalf("status %s", st)
		}
		if err := f.svc.Cancel(ctx, olga, sc.ID); !errors.Is(err, schedule.ErrFinished) {
			t.Fatalf("second cancel: %v", err)
		}
		if c := f.entries(t, audit.ActionScheduleCancel); len(c) != 1 {
			t.Fatalf("schedule.cancel entries: %d", len(c))
		}
	})
}

func TestBadRequestsStoreNothing(t *testing.T) {
	f := newFixture(t, db.SQLite)
	now := f.clock.Now()
	for name, tc := range map[string]struct {
		req  schedule.Request
		want string
	}{
		"past":          {schedule.Request{Rooms: []string{"r1"}, Submitted: form("RoomName", "x"), Original: form("RoomName", "y"), ApplyAt: now.Add(-time.Second)}, "apply_at"},
		"no time":       {schedule.Request{Rooms: []string{"r1"}, Submitted: form("RoomName", "x"), Original: form("RoomName", "y")}, "apply_at"},
		"revert early":  {schedule.Request{Rooms: []string{"r1"}, Submitted: form("RoomName", "x"), Original: form("RoomName", "y"), ApplyAt: now.Add(time.Hour), RevertAt: now.Add(time.Minute)}, "revert_at"},
		"nothing":       {schedule.Request{Rooms: []string{"r1"}, Submitted: form("RoomName", "x"), Original: form("RoomName", "x"), ApplyAt: now.Add(time.Hour)}, "fields"},
		"invalid value": {schedule.Request{Rooms: []string{"r1"}, Submitted: form("MaxMemberCount", "-4"), Original: form("MaxMemberCount", "10"), ApplyAt: now.Add(time.Hour)}, "MaxMemberCount"},
		"no rooms":      {schedule.Request{Submitted: form("RoomName", "x"), ApplyAt: now.Add(time.Hour)}, "rooms"},
		"bad room":      {schedule.Request{Rooms: []string{"é"}, Submitted: form("RoomName", "x"), ApplyAt: now.Add(time.Hour)}, "rooms"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.Create(context.Background(), olga, tc.req)
			var ie *schedule.InputError
			if !errors.As(err, &ie) || ie.Fields[tc.want] == "" {
				t.Fatalf("err %v, want a message for %s", err, tc.want)
			}
		})
	}
	if list, err := f.svc.List(context.Background(), 10); err != nil || len(list) != 0 {
		t.Fatalf("stored %d changes (%v)", len(list), err)
	}
}

// TestUnknownOutcomeIsReReadNotResent: the update is applied but its
// answer lost; the step is tried again later and, finding the room already
// holding the values, is done without a second update.
func TestUnknownOutcomeIsReReadNotResent(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d)
		f.put("r1", "old", "n0")
		sc, err := f.svc.Create(context.Background(), olga, schedule.Request{Rooms: []string{"r1"},
			Submitted: form("RoomName", "x"), Original: form("RoomName", "old"), ApplyAt: f.clock.Now().Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		f.emu.DropAfterApply("update_room_info", 1)
		f.clock.Add(time.Minute)
		f.runDue(t)
		st := f.get(t, sc.ID).Steps[0]
		if st.Status != schedule.StepUpcoming || !st.DueAt.After(f.clock.Now()) {
			t.Fatalf("after a lost answer the step is %+v, want upcoming again later", st)
		}
		f.clock.Add(time.Minute)
		f.runDue(t)
		st = f.get(t, sc.ID).Steps[0]
		if st.Status != schedule.StepDone || !strings.Contains(st.Message, "Already applied") {
			t.Fatalf("step %+v", st)
		}
		if got := f.emu.UpdateCount("r1"); got != 1 {
			t.Fatalf("updated %d times, want once", got)
		}
	})
}

// TestBulkChangeReadsValuesAtRunTime: a change to a set of rooms (no
// values shown when scheduling) applies to each, and its revert restores
// each room's own value.
func TestBulkChangeReadsValuesAtRunTime(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d)
		f.put("b1", "one", "n1")
		f.put("b2", "two", "n2")
		sc, err := f.svc.Create(context.Background(), olga, schedule.Request{Rooms: []string{"b1", "b2"},
			Submitted: form("Notice", "campaign"), ApplyAt: f.clock.Now().Add(time.Minute), RevertAt: f.clock.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
		if n := f.runDue(t); n != 2 {
			t.Fatalf("%d steps ran", n)
		}
		for _, id := range []string{"b1", "b2"} {
			if got := f.room(t, id).Notice; got != "campaign" {
				t.Fatalf("%s notice %q", id, got)
			}
		}
		f.clock.Add(time.Hour)
		f.runDue(t)
		if f.room(t, "b1").Notice != "n1" || f.room(t, "b2").Notice != "n2" {
			t.Fatalf("after revert: %q %q", f.room(t, "b1").Notice, f.room(t, "b2").Notice)
		}
		if st := f.get(t, sc.ID).Status(); st != schedule.StepDone {
			t.Fatalf("status %s", st)
		}
	})
}

// TestTwoRunnersRunEachStepOnce: two instances on one PostgreSQL run the
// same due steps at once; every room is updated exactly once.
func TestTwoRunnersRunEachStepOnce(t *testing.T) {
	f := newFixture(t, db.Postgres)
	ctx := context.Background()
	var ids []string
	for i := range 40 {
		id := "p" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		ids = append(ids, id)
		f.put(id, "old", "n0")
	}
	if _, err := f.svc.Create(ctx, olga, schedule.Request{Rooms: ids, Submitted: form("RoomName", "new"),
		ApplyAt: f.clock.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Minute)
	other := f.service()
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, svc := range []*schedule.Service{f.svc, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := svc.RunDue(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				counts[i] += n
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if got := f.emu.UpdateCount(id); got != 1 {
			t.Errorf("room %s updated %d times", id, got)
		}
	}
	if counts[0]+counts[1] != len(ids) {
		t.Fatalf("steps run %v, want %d in all", counts, len(ids))
	}
	t.Logf("steps run by each instance: %v", counts)
}
