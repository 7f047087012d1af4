package bulk_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// jobEvents lists a job's event rows, oldest first, as "action actor".
func (f *fixture) jobEvents(t *testing.T, id int64) []string {
	t.Helper()
	var out []string
	err := f.audit.Export(context.Background(), audit.Filter{JobID: bulk.JobKey(id)}, func(r audit.Record) error {
		if r.Entry.Kind == audit.KindEvent {
			out = append(out, r.Entry.Action+" "+r.Entry.Actor)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(out)
	return out
}

// Finding 12: a job's start and cancel were not audited, and any operator
// could cancel anyone's job. Now created, started, cancelled (by whom) and
// finished are events on the job, and only its creator or an admin may
// cancel it.
func TestJobLifeIsAudited(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d, bulk.Options{}, nil)
		ids := f.putRooms("life", 3)
		ctx := context.Background()
		j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"new"}}))
		if err != nil {
			t.Fatal(err)
		}
		f.start()
		f.wait(t, j.ID, "the end", ended)
		f.stop() // the runner returns only after the job's last event is written
		want := []string{"bulk.create olga", "bulk.start system:bulk-runner", "bulk.finish system:bulk-runner"}
		if got := f.jobEvents(t, j.ID); !slices.Equal(got, want) {
			t.Fatalf("events %q, want %q", got, want)
		}

		q, err := f.svc.Create(ctx, operator, planFor(ids[:1], rooms.Form{rooms.FieldNotice: {"n"}}))
		if err != nil {
			t.Fatal(err)
		}
		otto := audit.Actor{Name: "otto", Role: "operator", IP: "192.0.2.8"}
		if err := f.svc.Cancel(ctx, q.ID, otto); !errors.Is(err, bulk.ErrForbidden) {
			t.Fatalf("another operator cancelled: %v", err)
		}
		if q, _ = f.svc.Job(ctx, q.ID); q.Status != bulk.JobQueued {
			t.Fatalf("refused cancel changed the job: %s", q.Status)
		}
		ada := audit.Actor{Name: "ada", Role: "admin", IP: "192.0.2.9"}
		if err := f.svc.Cancel(ctx, q.ID, ada); err != nil {
			t.Fatalf("admin cancel: %v", err)
		}
		want = []string{"bulk.create olga", "access.denied otto", "bulk.cancel ada"}
		got := f.jobEvents(t, q.ID)
		if !slices.Equal(got, want) {
			t.Fatalf("events %q, want %q", got, want)
		}
		if q, _ = f.svc.Job(ctx, q.ID); q.CancelledBy != "ada" || q.Status != bulk.JobCancelled {
			t.Fatalf("job after admin cancel: %+v", q)
		}
		if !strings.Contains(strings.Join(got, ","), "otto") {
			t.Fatal("refusal not audited")
		}
	})
}

// refusingLog is an audit log that is down.
type refusingLog struct{}

func (refusingLog) Append(context.Context, *audit.Entry) error { return errors.New("audit log down") }

// A job step whose audit event cannot be written still happens, and the
// failure is logged, naming the step; a step whose event was written logs
// nothing. (Creating a job is the exception: a job the log cannot record
// is not stored, TestCreateNeedsTheAuditLog.) The step here is a cancel,
// by a second service over the same database whose log is down or up.
func TestJobEventFailureIsLogged(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  bulk.AuditLog
		want bool
	}{{"log down", refusingLog{}, true}, {"log up", nil, false}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, db.SQLite, bulk.Options{}, nil)
			ids := f.putRooms("evlog", 1)
			ctx := context.Background()
			j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"new"}}))
			if err != nil {
				t.Fatal(err)
			}
			log := tc.log
			if log == nil {
				log = f.audit
			}
			var logs bytes.Buffer
			other := bulk.New(f.db, f.rooms, bulk.Options{Log: log, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err := other.Cancel(ctx, j.ID, operator); err != nil {
				t.Fatalf("cancel with the audit log %s: %v", tc.name, err)
			}
			if got, _ := f.svc.Job(ctx, j.ID); got.Status != bulk.JobCancelled {
				t.Errorf("job after cancel: %s", got.Status)
			}
			got := strings.Contains(logs.String(), "bulk: audit append failed") && strings.Contains(logs.String(), audit.ActionBulkCancel)
			if got != tc.want || (!tc.want && logs.Len() != 0) {
				t.Errorf("log output %q; want the failure logged: %v", logs.String(), tc.want)
			}
		})
	}
}
