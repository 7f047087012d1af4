package history_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/history"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

var olga = audit.Actor{Name: "olga", Role: "operator"}

func TestRevertRestoresTheFieldsTheChangeTouchedAndLinksBoth(t *testing.T) {
	eachDialect(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, dbtest.Open(t, d), nil)
		ctx := context.Background()
		res := f.edit(t, "RoomName", "Ramen Night", "Category", "9")
		f.edit(t, "Notice", "Later, untouched by the revert")
		rv, err := f.hist.PlanRevert(ctx, appID, res.IntentSeq)
		if err != nil {
			t.Fatal(err)
		}
		if len(rv.Fields) != 2 || rv.Before.Get("RoomName") != "Friday Karaoke" || rv.After.Get("RoomName") != "Ramen Night" {
			t.Fatalf("plan: %+v", rv)
		}
		// What the revert form posts: the before values, orig_ = what the change set.
		posted := rooms.FormFromRoom(f.get(t))
		orig := rooms.FormFromRoom(f.get(t))
		for _, fl := range rv.Fields {
			posted[fl], orig[fl] = rv.Before[fl], rv.After[fl]
		}
		out, err := f.hist.Apply(ctx, f.rooms, olga, rv, posted, orig)
		if err != nil || out.Outcome != audit.OutcomeOK {
			t.Fatalf("apply: %v %+v", err, out)
		}
		room, _ := f.emu.Room(roomID)
		if room.RoomName != "Friday Karaoke" || len(room.Category) != 2 || room.Notice != "Later, untouched by the revert" {
			t.Errorf("room after the revert: %+v", room)
		}
		rec, _ := f.log.Get(ctx, out.IntentSeq)
		if rec.Entry.Detail != "reverts #"+strconv.FormatInt(res.IntentSeq, 10) {
			t.Errorf("revert entry detail %q", rec.Entry.Detail)
		}
		l, err := f.hist.Links(ctx, res.IntentSeq, out.IntentSeq)
		if err != nil || len(l.RevertedBy[res.IntentSeq]) != 1 || l.RevertedBy[res.IntentSeq][0] != out.IntentSeq ||
			l.Reverts[out.IntentSeq] != res.IntentSeq {
			t.Errorf("links: %+v %v", l, err)
		}
		// The room's history holds all three edits, newest first.
		pg, err := f.hist.Room(ctx, appID, roomID, 0, 10)
		if err != nil || len(pg.Records) != 3 || pg.Records[0].Entry.Seq != out.IntentSeq {
			t.Fatalf("history: %d records, %v", len(pg.Records), err)
		}
		// Another app's history of a room of the same id is empty.
		if pg, err := f.hist.Room(ctx, "other", roomID, 0, 10); err != nil || len(pg.Records) != 0 {
			t.Errorf("other app's history: %d records, %v", len(pg.Records), err)
		}
		if _, err := f.hist.PlanRevert(ctx, "other", res.IntentSeq); !errors.Is(err, history.ErrNotFound) {
			t.Errorf("revert from another app: %v", err)
		}
	})
}

func TestRevertNeverOverwritesAFieldChangedSince(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite), nil)
	ctx := context.Background()
	res := f.edit(t, "RoomName", "Ramen Night")
	rv, err := f.hist.PlanRevert(ctx, appID, res.IntentSeq)
	if err != nil {
		t.Fatal(err)
	}
	f.outsideEdit(t, func(r *emulator.Room) { r.RoomName = "Renamed since" })
	_, err = f.hist.Apply(ctx, f.rooms, olga, rv, rv.Before, rv.After)
	var ce *rooms.ConflictError
	if !errors.As(err, &ce) || ce.Conflicts[0].Field != "RoomName" {
		t.Fatalf("apply over a later change: %v", err)
	}
	if room, _ := f.emu.Room(roomID); room.RoomName != "Renamed since" {
		t.Errorf("overwritten: %q", room.RoomName)
	}
}

func TestRevertAFinishedBulkJob(t *testing.T) {
	eachDialect(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, dbtest.Open(t, d), nil)
		second := baseRoom()
		second.RoomID, second.RoomName = "live_hist_2", "Second room"
		f.emu.PutRoom(second)
		svc := bulk.New(f.d, f.rooms, bulk.Options{Log: f.log, App: appID, DefaultApp: true, Poll: 10 * time.Millisecond})
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); svc.Run(ctx) }()
		t.Cleanup(func() { stop(); <-done })

		change := rooms.Form{"Notice": {"Campaign"}}
		job, err := svc.Create(context.Background(), olga, bulk.Plan{Source: "test", Common: change, Rows: []bulk.Row{
			{Line: 1, RoomID: roomID, Fields: change}, {Line: 2, RoomID: "live_hist_2", Fields: change}}})
		if err != nil {
			t.Fatal(err)
		}
		waitEnded(t, svc, job.ID)
		// One room changes again outside roomdesk: its revert must not overwrite it.
		f.outsideEdit(t, func(r *emulator.Room) { r.Notice = "Changed since" })

		rj, err := f.hist.RevertJob(context.Background(), svc, olga, appID, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.hist.RevertJob(context.Background(), svc, olga, appID, job.ID); err == nil {
			t.Error("a second revert of the same job was created")
		} else if re := (*history.RevertedError)(nil); !errors.As(err, &re) || re.Job != rj.ID {
			t.Errorf("second revert: %v", err)
		}
		rj = waitEnded(t, svc, rj.ID)
		if rj.Counts.Done != 1 || rj.Counts.Failed != 1 {
			t.Errorf("revert job counts %+v, want 1 done (restored) and 1 failed (changed since)", rj.Counts)
		}
		if r, _ := f.emu.Room("live_hist_2"); r.Notice != "Be kind" {
			t.Errorf("second room not restored: %q", r.Notice)
		}
		if r, _ := f.emu.Room(roomID); r.Notice != "Changed since" {
			t.Errorf("a room changed since was overwritten: %q", r.Notice)
		}
		l, err := f.hist.JobLinks(context.Background(), job.ID)
		if err != nil || l.RevertedAs != rj.ID {
			t.Errorf("job links: %+v %v", l, err)
		}
		if l, _ := f.hist.JobLinks(context.Background(), rj.ID); l.RevertOf != job.ID {
			t.Errorf("revert job's links: %+v", l)
		}
		// The restored room's entries link each other, and say so.
		pg, err := f.hist.Room(context.Background(), appID, "live_hist_2", 0, 10)
		if err != nil || len(pg.Records) != 2 {
			t.Fatalf("history of the restored room: %d, %v", len(pg.Records), err)
		}
		rev, orig := pg.Records[0].Entry, pg.Records[1].Entry
		if rev.Detail != "reverts #"+strconv.FormatInt(orig.Seq, 10) || pg.Links.Reverts[rev.Seq] != orig.Seq ||
			len(pg.Links.RevertedBy[orig.Seq]) != 1 {
			t.Errorf("restored room: revert %+v, links %+v", rev, pg.Links)
		}
	})
}

func waitEnded(t *testing.T, svc *bulk.Service, id int64) bulk.Job {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a hang guard, not a measurement
	for {
		j, err := svc.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Ended() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d never ended: %+v", id, j)
		}
		time.Sleep(10 * time.Millisecond) // polls a condition; orders nothing
	}
}
