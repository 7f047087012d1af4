package approval

import (
	"context"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// InterruptedAfter is how long an approved request may wait for its
// outcome before the sweeper decides the console stopped while running it.
// Approve claims the request, then records and runs the change in the same
// call; the longest run (a re-read and an update, each retried within the
// client's attempt timeouts) takes well under a minute, so a request still
// without an outcome after this long will get none from the instance that
// claimed it.
const InterruptedAfter = 15 * time.Minute

// settleInterrupted gives every approved request left without an outcome
// (the instance that approved it stopped between the claim and the end of
// the run) the outcome the audit log shows, or unknown: the change may
// have been sent, so nobody may read "not applied". It returns how many it
// settled. Each request is settled once, whichever instance gets there
// first (a conditional UPDATE on the empty outcome).
func (s *Service) settleInterrupted(ctx context.Context) (int, error) {
	before := micros(s.opts.Now().Add(-InterruptedAfter))
	due, err := s.requests(ctx, `WHERE status = $1 AND outcome = '' AND decided_at_us <= $2 ORDER BY id LIMIT 500`, StatusApproved, before)
	if err != nil {
		return 0, fmt.Errorf("approval: settle interrupted: %w", err)
	}
	n := 0
	for _, r := range due {
		outcome, message, requestID := s.interruptedOutcome(ctx, r)
		res, err := s.db.ExecContext(ctx, `UPDATE approval_requests SET outcome = $1, message = $2, tencent_request_id = $3
			WHERE id = $4 AND status = $5 AND outcome = ''`, outcome, message, requestID, r.ID, StatusApproved)
		if err != nil {
			return n, fmt.Errorf("approval: settle %s: %w", r.Ref(), err)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			s.opts.Logger.Warn("approval: settled a request interrupted after approval", "request", r.Ref(), "outcome", outcome)
			n++
		}
	}
	return n, nil
}

// interruptedOutcome is what the audit log knows of an interrupted
// request's run: the linked update's outcome when its result was written,
// else unknown, with where to look.
func (s *Service) interruptedOutcome(ctx context.Context, r Request) (outcome, message, requestID string) {
	links, err := s.Links(ctx, r.ID)
	if err == nil {
		for _, l := range links {
			if l.Step != StepUpdate {
				continue
			}
			rec, err := s.log.Get(ctx, l.Seq)
			if err != nil || rec.Result == nil {
				break
			}
			return rec.Outcome(), fmt.Sprintf("the console stopped before recording this outcome here; audit entry #%d has it", l.Seq), rec.Result.RequestID
		}
	}
	what := "the room"
	if r.Kind == KindBulk {
		what = "the bulk jobs list"
	}
	return audit.OutcomeUnknown, fmt.Sprintf("interrupted: the console stopped while running this approved change, so its outcome was not recorded; "+
		"it may or may not have been applied: check %s and the audit entries noted \"request %s\"", what, r.Ref()), ""
}
