package bulk_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// A job the audit log cannot record is never stored, so nothing of it runs.
// Removing it is the normal answer to the refusal: nothing is logged.
func TestCreateNeedsTheAuditLog(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d, bulk.Options{}, nil)
		ids := f.putRooms("unrecorded", 1)
		f.start()
		var logs syncBuffer
		down := bulk.New(f.db, f.rooms, bulk.Options{Log: downLog{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		ctx := context.Background()
		if _, err := down.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"x"}})); !errors.Is(err, rooms.ErrAuditUnavailable) {
			t.Fatalf("create with the audit log down: %v, want ErrAuditUnavailable", err)
		}
		if s := logs.String(); s != "" {
			t.Errorf("the unrecorded job was removed, yet the log says: %s", s)
		}
		if recent, err := f.svc.Recent(ctx, 10); err != nil || len(recent) != 0 {
			t.Errorf("jobs after the refused create: %+v %v", recent, err)
		}
		// A job created after it runs: the runner was polling all along.
		j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"y"}}))
		if err != nil {
			t.Fatal(err)
		}
		f.wait(t, j.ID, "the end", ended)
		if r, _ := f.emu.Room(ids[0]); r.RoomName != "y" || f.emu.UpdateCount(ids[0]) != 1 {
			t.Errorf("room %q after %d updates; only the recorded job may run", r.RoomName, f.emu.UpdateCount(ids[0]))
		}
	})
}

// hold puts a stored job back into the state between its insert and its
// audit entry.
func hold(t *testing.T, f *fixture, id int64) {
	t.Helper()
	if _, err := f.db.ExecContext(context.Background(), `UPDATE bulk_jobs SET held = 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
}

// Runners pass a held job over: the runner works oldest first, so an older
// held job still queued after a younger one ended was passed over.
func TestHeldJobIsPassedOver(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d, bulk.Options{}, nil)
		ids := f.putRooms("held", 2)
		ctx := context.Background()
		older, err := f.svc.Create(ctx, operator, planFor(ids[:1], rooms.Form{rooms.FieldNotice: {"held"}}))
		if err != nil {
			t.Fatal(err)
		}
		hold(t, f, older.ID)
		younger, err := f.svc.Create(ctx, operator, planFor(ids[1:], rooms.Form{rooms.FieldNotice: {"free"}}))
		if err != nil {
			t.Fatal(err)
		}
		f.start()
		f.wait(t, younger.ID, "the younger job's end", ended)
		if j, _ := f.svc.Job(ctx, older.ID); j.Status != bulk.JobQueued || f.emu.UpdateCount(ids[0]) != 0 {
			t.Errorf("held job: %s, %d updates", j.Status, f.emu.UpdateCount(ids[0]))
		}
	})
}

// fakeNow is a clock tests move.
type fakeNow struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeNow) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeNow) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// A job left held by a creator that stopped is cancelled, audited, once it
// is AbandonedAfter old, and not before; nothing of it is sent.
func TestAbandonedHeldJobIsCancelled(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		clock := &fakeNow{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
		f := newFixture(t, d, bulk.Options{Now: clock.Now}, nil)
		ids := f.putRooms("abandoned", 2)
		ctx := context.Background()
		j, err := f.svc.Create(ctx, operator, planFor(ids[:1], rooms.Form{rooms.FieldNotice: {"never"}}))
		if err != nil {
			t.Fatal(err)
		}
		hold(t, f, j.ID)

		// Just short of the limit: a runner's first pass tidies, and leaves it.
		clock.Add(bulk.AbandonedAfter - time.Second)
		f.start()
		other, err := f.svc.Create(ctx, operator, planFor(ids[1:], rooms.Form{rooms.FieldNotice: {"ok"}}))
		if err != nil {
			t.Fatal(err)
		}
		f.wait(t, other.ID, "another job's end", ended)
		if got, _ := f.svc.Job(ctx, j.ID); got.Status != bulk.JobQueued {
			t.Fatalf("cancelled before its time: %s", got.Status)
		}
		f.stop()

		// A new runner tidies first of all: once a job created after it
		// started has ended, the tidying is over (so a broken one fails here
		// at once rather than hanging until a deadline).
		clock.Add(time.Second)
		f.start()
		marker, err := f.svc.Create(ctx, operator, planFor(ids[1:], rooms.Form{rooms.FieldNotice: {"marker"}}))
		if err != nil {
			t.Fatal(err)
		}
		f.wait(t, marker.ID, "a job after the cancellation", ended)
		got, _ := f.svc.Job(ctx, j.ID)
		if got.Status != bulk.JobCancelled || got.CancelledBy != "roomdesk" || f.emu.UpdateCount(ids[0]) != 0 {
			t.Errorf("abandoned job: %s by %q, %d updates", got.Status, got.CancelledBy, f.emu.UpdateCount(ids[0]))
		}
		f.stop() // the runner's pass, its audit entry included, is over
		page, err := f.audit.List(ctx, audit.Filter{Action: audit.ActionBulkCancel, JobID: j.Key()}, 0, 10)
		if err != nil || len(page.Records) != 1 || page.Records[0].Entry.Actor != "roomdesk" {
			t.Errorf("bulk.cancel entries: %+v %v", page.Records, err)
		}
	})
}

// When the unrecorded job cannot be removed either (a double failure), the
// caller still gets ErrAuditUnavailable and the log says so: the job stays
// held (passed over by runners, TestHeldJobIsPassedOver) for cancelAbandoned.
func TestUnrecordedJobThatCannotBeRemovedIsLogged(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d, bulk.Options{}, nil)
		ids := f.putRooms("kept", 1)
		refuse(t, f.db, "DELETE", "bulk_jobs", "")
		var logs syncBuffer
		down := bulk.New(f.db, f.rooms, bulk.Options{Log: downLog{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		ctx := context.Background()
		if _, err := down.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"x"}})); !errors.Is(err, rooms.ErrAuditUnavailable) {
			t.Fatalf("create with the audit log down: %v, want ErrAuditUnavailable", err)
		}
		if s := logs.String(); !strings.Contains(s, "held job not removed") || !strings.Contains(s, "refused") {
			t.Errorf("log %q, want the held job that could not be removed, with the database's reason", s)
		}
		var held int
		if err := f.db.QueryRowContext(ctx, `SELECT count(*) FROM bulk_jobs WHERE held = 1`).Scan(&held); err != nil || held != 1 {
			t.Errorf("%d held jobs (%v), want the one left for cancelAbandoned", held, err)
		}
	})
}

// refuse makes op (INSERT, UPDATE, DELETE) on table fail, from a trigger
// in the database itself, for the rows when (an SQL condition on NEW or
// OLD, "" for all) holds; the returned func drops the trigger.
func refuse(t *testing.T, d *db.DB, op, table, when string) (restore func()) {
	t.Helper()
	name := "refuse_" + strings.ToLower(op) + "_" + table
	cond := ""
	if when != "" {
		cond = " WHEN " + when
	}
	install := []string{`CREATE TRIGGER ` + name + ` BEFORE ` + op + ` ON ` + table + cond + `
		BEGIN SELECT RAISE(ABORT, '` + op + ` on ` + table + ` refused'); END`}
	drop := `DROP TRIGGER ` + name
	if d.Dialect == db.Postgres {
		if when != "" {
			cond = " WHEN (" + when + ")"
		}
		install = []string{`CREATE OR REPLACE FUNCTION ` + name + `() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN RAISE EXCEPTION '` + op + ` on ` + table + ` refused'; END $$`,
			`CREATE TRIGGER ` + name + ` BEFORE ` + op + ` ON ` + table + ` FOR EACH ROW` + cond + ` EXECUTE FUNCTION ` + name + `()`}
		drop += ` ON ` + table
	}
	for _, q := range install {
		if _, err := d.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		if _, err := d.ExecContext(context.Background(), drop); err != nil {
			t.Fatal(err)
		}
	}
}

// A runner tidies (cancels abandoned held jobs) when it starts and then
// whenever a minute has passed since, a minute exactly included. The clock
// stands still but for one step of exactly a minute: the held job becomes
// AbandonedAfter old at that step, and two jobs run after it are the
// runner's passes that must have tidied by then.
func TestRunnerTidiesEveryMinute(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		clock := &fakeNow{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
		f := newFixture(t, d, bulk.Options{Now: clock.Now}, nil)
		ids := f.putRooms("tidy", 4)
		ctx := context.Background()
		notice := rooms.Form{rooms.FieldNotice: {"n"}}
		j, err := f.svc.Create(ctx, operator, planFor(ids[:1], notice))
		if err != nil {
			t.Fatal(err)
		}
		hold(t, f, j.ID)
		clock.Add(bulk.AbandonedAfter - time.Minute)
		f.start() // tidies at once: the held job is a minute short
		run := func(id string) {
			t.Helper()
			other, err := f.svc.Create(ctx, operator, planFor([]string{id}, notice))
			if err != nil {
				t.Fatal(err)
			}
			f.wait(t, other.ID, "job "+id, ended)
		}
		run(ids[1]) // the runner's first pass, its tidying included, is over
		if got, _ := f.svc.Job(ctx, j.ID); got.Status != bulk.JobQueued {
			t.Fatalf("cancelled before its time: %s", got.Status)
		}
		clock.Add(time.Minute)
		// The pass that runs ids[2] may have read the clock before the step;
		// the one that runs ids[3] began after ids[2] ended, so after it.
		run(ids[2])
		run(ids[3])
		if got, _ := f.svc.Job(ctx, j.ID); got.Status != bulk.JobCancelled || f.emu.UpdateCount(ids[0]) != 0 {
			t.Errorf("held job a minute after the last tidying, AbandonedAfter old: %s, %d updates", got.Status, f.emu.UpdateCount(ids[0]))
		}
	})
}
