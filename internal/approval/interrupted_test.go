package approval_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
)

// An instance that stops between claiming an approval and recording what
// it came to leaves the request approved with no outcome. The sweeper
// settles it once the run is certainly over: unknown when the audit log
// cannot say, never "not applied".
func TestSweepSettlesAnApprovalInterruptedBeforeItRan(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		r := f.request(t)
		// The state a crash right after the claim leaves.
		if _, err := f.db.ExecContext(ctx, `UPDATE approval_requests SET status = 'approved', decided_by = 'bob', decided_at_us = $1 WHERE id = $2`,
			f.clock.Now().UnixMicro(), r.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(approval.InterruptedAfter - time.Second)
		if _, err := f.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if got := f.get(t, r.ID); got.Outcome != "" {
			t.Fatalf("settled while the run may still be going: %+v", got)
		}
		f.clock.Add(time.Second)
		if _, err := f.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		got := f.get(t, r.ID)
		if got.Status != approval.StatusApproved || got.Outcome != audit.OutcomeUnknown ||
			!strings.Contains(got.Message, "may or may not have been applied") || !strings.Contains(got.Message, r.Ref()) ||
			strings.Contains(got.Message, "not applied:") {
			t.Errorf("after sweep: %+v", got)
		}
		// Settled once: a later sweep leaves it as it is.
		if _, err := f.db.ExecContext(ctx, `UPDATE approval_requests SET message = 'kept' WHERE id = $1`, r.ID); err != nil {
			t.Fatal(err)
		}
		f.svc.Sweep(ctx)
		if got := f.get(t, r.ID); got.Message != "kept" {
			t.Errorf("a second sweep rewrote the outcome: %q", got.Message)
		}
	})
}

func TestSweepSettlesAnInterruptedApprovalFromTheAuditLog(t *testing.T) {
	forDialects(t, func(t *testing.T, f *fixture) {
		r := f.request(t)
		d, err := f.svc.Approve(ctx, bob, app, r.ID, "")
		if err != nil || d.Result == nil || d.Result.Outcome != audit.OutcomeOK {
			t.Fatalf("approve = %+v, %v", d, err)
		}
		// The state a crash after the update and its link, before the
		// outcome was written to the request, leaves.
		if _, err := f.db.ExecContext(ctx, `UPDATE approval_requests SET outcome = '', message = '', tencent_request_id = '' WHERE id = $1`, r.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(approval.InterruptedAfter)
		if _, err := f.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		got := f.get(t, r.ID)
		if got.Outcome != audit.OutcomeOK || got.TencentRequestID != d.Result.RequestID ||
			!strings.Contains(got.Message, "audit entry #") {
			t.Errorf("after sweep: %+v (update RequestId %s)", got, d.Result.RequestID)
		}
		if f.emu.UpdateCount(roomID) != 1 {
			t.Errorf("settling sent %d updates; want the 1 the approval sent", f.emu.UpdateCount(roomID))
		}
	})
}
