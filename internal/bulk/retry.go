package bulk

import (
	"context"
	"errors"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// ErrNotEnded is returned when retrying a job that is still running.
var ErrNotEnded = errors.New("bulk: the job has not ended yet")

// ErrNothingFailed is returned when retrying a job none of whose rooms failed.
var ErrNothingFailed = errors.New("bulk: no room of this job failed")

// RetriedError is returned when the job's failed rooms were already
// retried; Job is that retry.
type RetriedError struct{ Job int64 }

func (e *RetriedError) Error() string { return fmt.Sprintf("bulk: already retried as job %d", e.Job) }

// RetryFailed starts the failed rooms of an ended job again, as a new job
// that points at it. An item that failed on a retryable code (60007,
// 100012, 100001…) was already retried by the client with backoff and is
// not retried inside its job; this is how an operator tries those rooms
// again once the cause has passed. Each room gets exactly the change it
// had; every one is re-read before anything is sent, as in any job.
//
// The retry is audited (bulk.retry, with the new job's id and the first
// job's in Detail) before any runner may start it (admit); if the audit
// log cannot take the row, the new job is removed and nothing is sent.
func (s *Service) RetryFailed(ctx context.Context, actor audit.Actor, id int64) (Job, error) {
	if s.opts.Log == nil {
		return Job{}, errors.New("bulk: retry: no audit log configured")
	}
	first, err := s.Job(ctx, id)
	if err != nil {
		return Job{}, err
	}
	switch {
	case first.RetriedAs != 0:
		return Job{}, &RetriedError{Job: first.RetriedAs}
	case !first.Ended():
		return Job{}, ErrNotEnded
	case first.Counts.Failed == 0:
		return Job{}, ErrNothingFailed
	}
	failed, err := s.queryItems(ctx, `SELECT `+itemCols+` FROM bulk_items WHERE job_id = $1 AND status = 'failed' ORDER BY seq`, id)
	if err != nil {
		return Job{}, err
	}
	plan := Plan{Source: fmt.Sprintf("failed rooms of job #%d", id), Common: first.Fields}
	for _, it := range failed {
		plan.Rows = append(plan.Rows, Row{Line: it.Line, RoomID: it.RoomID, Fields: it.Fields, Original: it.Original, Note: it.Note})
	}
	j, err := s.create(ctx, actor, plan, id)
	if err != nil {
		if retried, rerr := s.Job(ctx, id); rerr == nil && retried.RetriedAs != 0 {
			return Job{}, &RetriedError{Job: retried.RetriedAs} // a concurrent click won
		}
		return Job{}, err
	}
	if err := s.admit(ctx, actor, j, audit.ActionBulkRetry, fmt.Sprintf("retry_of=%d rooms=%d", id, len(plan.Rows))); err != nil {
		return Job{}, fmt.Errorf("bulk: retry of job %d: %w", id, err)
	}
	return j, nil
}
