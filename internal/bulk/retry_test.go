package bulk_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Items that end on a retryable Tencent code after the client's own retries
// are not retried inside the job; the ended job offers them as a new job,
// audited and linked to the first.
func TestRetryFailedRooms(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		// One worker: the injected failures meet the rooms in order.
		f := newFixture(t, d, bulk.Options{Workers: 1}, nil)
		ids := f.putRooms("retry", 6)
		ctx := context.Background()
		j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"new"}}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RetryFailed(ctx, operator, j.ID); !errors.Is(err, bulk.ErrNotEnded) {
			t.Fatalf("retry of a queued job: %v", err)
		}
		// Rooms 1 and 2: every re-read refused for the quota (3 client
		// attempts each); room 3: every update refused with 100012.
		f.emu.FailNext(emulator.CmdGetRoomInfo, 6, tencent.CodeFrequencyLimit)
		f.emu.FailNext(emulator.CmdUpdateRoomInfo, 3, tencent.CodeRoomRateLimit)
		f.start()
		j = f.wait(t, j.ID, "the end", ended)
		if want := (bulk.Counts{Done: 3, Failed: 3}); j.Counts != want {
			t.Fatalf("counts %+v, want %+v", j.Counts, want)
		}
		items := f.items(t, j.ID)
		for i, code := range []int{tencent.CodeFrequencyLimit, tencent.CodeFrequencyLimit, tencent.CodeRoomRateLimit} {
			it := items[ids[i]]
			if it.Status != bulk.ItemFailed || it.ErrorCode != code || it.Attempts != 1 {
				t.Errorf("%s: %+v, want failed with %d after one item attempt", ids[i], it, code)
			}
		}
		if n := f.emu.Calls(emulator.CmdGetRoomInfo); n != 6+4 { // 3+3 refused, then rooms 3-6
			t.Errorf("get_room_info calls %d, want 10: a failed item was retried at item level", n)
		}

		retry, err := f.svc.RetryFailed(ctx, operator, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if retry.RetryOf != j.ID || retry.Total != 3 || retry.Source != fmt.Sprintf("failed rooms of job #%d", j.ID) {
			t.Errorf("retry job %+v", retry)
		}
		if first, _ := f.svc.Job(ctx, j.ID); first.RetriedAs != retry.ID {
			t.Errorf("first job RetriedAs %d, want %d", first.RetriedAs, retry.ID)
		}
		var re *bulk.RetriedError
		if _, err := f.svc.RetryFailed(ctx, operator, j.ID); !errors.As(err, &re) || re.Job != retry.ID {
			t.Errorf("second retry: %v, want the first retry (job %d)", err, retry.ID)
		}
		retry = f.wait(t, retry.ID, "the retry's end", ended)
		if want := (bulk.Counts{Done: 3}); retry.Counts != want {
			t.Fatalf("retry counts %+v, want %+v", retry.Counts, want)
		}
		for _, id := range ids {
			if r, _ := f.emu.Room(id); r.RoomName != "new" || f.emu.UpdateCount(id) != 1 {
				t.Errorf("%s: name %q, %d updates", id, r.RoomName, f.emu.UpdateCount(id))
			}
		}
		if _, err := f.svc.RetryFailed(ctx, operator, retry.ID); !errors.Is(err, bulk.ErrNothingFailed) {
			t.Errorf("retry of a job without failures: %v", err)
		}
		page, err := f.audit.List(ctx, audit.Filter{Action: audit.ActionBulkRetry}, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Records) != 1 {
			t.Fatalf("%d bulk.retry records, want 1", len(page.Records))
		}
		e := page.Records[0].Entry
		if e.Actor != operator.Name || e.JobID != retry.Key() || e.Detail != fmt.Sprintf("retry_of=%d rooms=3", j.ID) {
			t.Errorf("audit entry %+v", e)
		}
	})
}

type downLog struct{}

func (downLog) Append(context.Context, *audit.Entry) error { return errors.New("audit log down") }

// Without the audit row there is no retry job.
func TestRetryFailedNeedsTheAuditLog(t *testing.T) {
	f := newFixture(t, db.SQLite, bulk.Options{}, nil)
	ctx := context.Background()
	j, err := f.svc.Create(ctx, operator, planFor([]string{"no-such-room"}, rooms.Form{rooms.FieldRoomName: {"x"}}))
	if err != nil {
		t.Fatal(err)
	}
	f.start()
	j = f.wait(t, j.ID, "the end", ended)
	if j.Counts.Failed != 1 {
		t.Fatalf("counts %+v", j.Counts)
	}
	// The runner keeps polling: the retry job is held until its audit row
	// is written, so no runner can claim it before the append fails.
	down := bulk.New(f.db, f.rooms, bulk.Options{Log: downLog{}})
	if _, err := down.RetryFailed(ctx, operator, j.ID); !errors.Is(err, rooms.ErrAuditUnavailable) {
		t.Fatalf("err %v, want ErrAuditUnavailable", err)
	}
	recent, err := f.svc.Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 1 {
		t.Errorf("%d jobs, want only the first: the unaudited retry job must be gone", len(recent))
	}
	if first, _ := f.svc.Job(ctx, j.ID); first.RetriedAs != 0 {
		t.Errorf("RetriedAs %d after the refused retry", first.RetriedAs)
	}
}
