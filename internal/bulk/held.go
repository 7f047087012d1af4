package bulk

import (
	"context"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// AbandonedAfter is how long a job may stay held (stored, its creation
// not yet audited) before a runner decides its creator stopped and cancels
// it. Admitting a job is one audit append and one UPDATE, so a held job
// this old will not be admitted by anyone.
const AbandonedAfter = 10 * time.Minute

// admit records a new job's creation (action bulk.create or bulk.retry),
// then releases it to the runners. If the audit log cannot take the entry
// the job is removed (it was held, so no runner touched it) and the error
// wraps rooms.ErrAuditUnavailable: no job runs unrecorded.
func (s *Service) admit(ctx context.Context, actor audit.Actor, j Job, action, detail string) error {
	ctx = context.WithoutCancel(ctx) // the job is stored: finish admitting or removing it
	if s.opts.Log != nil {
		e := audit.Entry{Kind: audit.KindEvent, Action: action, Outcome: audit.OutcomeOK, Detail: detail}
		e.SetActor(actor)
		e.JobID, e.App = j.Key(), s.opts.App
		if err := s.opts.Log.Append(ctx, &e); err != nil {
			if _, derr := s.db.ExecContext(ctx, `DELETE FROM bulk_jobs WHERE id = $1 AND held = 1`, j.ID); derr != nil {
				s.opts.Logger.Error("bulk: held job not removed after an audit failure (a runner cancels it later)", "job", j.ID, "err", derr)
			}
			return fmt.Errorf("bulk: job %d not started: %w: %w", j.ID, rooms.ErrAuditUnavailable, err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE bulk_jobs SET held = 0 WHERE id = $1`, j.ID); err != nil {
		return fmt.Errorf("bulk: job %d recorded but not released (a runner cancels it in %s): %w", j.ID, AbandonedAfter, err)
	}
	s.Wake()
	return nil
}

// cancelAbandoned cancels the jobs of this runner's app left held for
// longer than AbandonedAfter, auditing each (by the console). Nothing of
// such a job ran. Several instances may race: the conditional UPDATE
// cancels, and so audits, each job once.
func (s *Service) cancelAbandoned(ctx context.Context) {
	now := s.opts.Now()
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM bulk_jobs WHERE held = 1 AND created_at_us <= $2 AND `+s.mine(1),
		s.opts.App, micros(now.Add(-AbandonedAfter)))
	if err != nil {
		s.opts.Logger.Error("bulk: looking for abandoned jobs", "err", err)
		return
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	for _, id := range ids {
		res, err := s.db.ExecContext(ctx, `UPDATE bulk_jobs SET held = 0, status = 'cancelled', cancelled_by = 'roomdesk', retry_of = NULL,
			finished_at_us = $2 WHERE id = $1 AND held = 1`, id, micros(now))
		if err != nil {
			s.opts.Logger.Error("bulk: cancelling an abandoned job", "job", id, "err", err)
			continue
		}
		if n, _ := res.RowsAffected(); n == 1 {
			s.event(ctx, audit.Actor{Name: "roomdesk"}, audit.ActionBulkCancel, id, audit.OutcomeOK,
				fmt.Sprintf("job %d never started: whoever created it stopped before it was recorded and released", id))
		}
	}
}
