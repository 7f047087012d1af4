package history

import (
	"context"
	"errors"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
)

// Jobs is the part of *bulk.Service a job revert uses: the app's jobs.
type Jobs interface {
	Job(ctx context.Context, id int64) (bulk.Job, error)
	ExportItems(ctx context.Context, id int64, fn func(bulk.Item) error) error
	Create(ctx context.Context, actor audit.Actor, plan bulk.Plan) (bulk.Job, error)
}

// ErrNothingToRevert is a finished job none of whose rooms was changed.
var ErrNothingToRevert = errors.New("history: no room of this job was changed, so there is nothing to revert")

// RevertedError is a job that was already reverted (Job is that revert,
// 0 while another request is still creating it).
type RevertedError struct{ Job int64 }

func (e *RevertedError) Error() string {
	return fmt.Sprintf("history: the job was already reverted as job %d", e.Job)
}

// JobRevert is what links a job and its revert, in either direction.
type JobRevert struct {
	RevertedAs int64 // the job reverting this one; 0 if none
	RevertOf   int64 // the job this one reverts; 0 if none
}

// JobLinks reads the revert links of a job.
func (s *Service) JobLinks(ctx context.Context, id int64) (JobRevert, error) {
	var l JobRevert
	rows, err := s.db.QueryContext(ctx, `SELECT job_id, revert_job_id FROM history_job_reverts
		WHERE (job_id = $1 OR revert_job_id = $1) AND revert_job_id > 0`, id)
	if err != nil {
		return l, fmt.Errorf("history: job links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var job, rev int64
		if err := rows.Scan(&job, &rev); err != nil {
			return l, fmt.Errorf("history: job links: %w", err)
		}
		if job == id {
			l.RevertedAs = rev
		} else {
			l.RevertOf = job
		}
	}
	return l, rows.Err()
}

// RevertJob reverts a finished bulk job as a new job of the same app: each
// room the job changed (its item done, its entry's outcome ok) gets back the
// values from before, for exactly the fields its change touched, and only
// if the room still holds what the change set (the job's runner checks
// that, as the room form's orig_* values do: a field changed since fails
// that room, nothing is overwritten). Each room's entry says "reverts #N".
// One revert per job: a second request gets *RevertedError.
func (s *Service) RevertJob(ctx context.Context, jobs Jobs, actor audit.Actor, app string, id int64) (bulk.Job, error) {
	j, err := jobs.Job(ctx, id)
	if err != nil {
		return bulk.Job{}, err
	}
	if !j.Ended() {
		return bulk.Job{}, bulk.ErrNotEnded
	}
	// Reserve the revert: job_id is unique, and -id stands for "being
	// created" until the new job's id replaces it.
	if _, err := s.db.ExecContext(ctx, `INSERT INTO history_job_reverts (job_id, revert_job_id, app, created_at_us)
		VALUES ($1, $2, $3, $4)`, id, -id, app, s.opts.Now().UnixMicro()); err != nil {
		if db.IsUniqueViolation(err) {
			l, _ := s.JobLinks(ctx, id)
			return bulk.Job{}, &RevertedError{Job: l.RevertedAs}
		}
		return bulk.Job{}, fmt.Errorf("history: revert job %d: %w", id, err)
	}
	release := func() {
		if _, err := s.db.ExecContext(context.WithoutCancel(ctx), `DELETE FROM history_job_reverts WHERE job_id = $1 AND revert_job_id = $2`, id, -id); err != nil {
			s.opts.Logger.Error("history: job revert reservation not released", "job", id, "err", err)
		}
	}
	plan, originals, err := s.jobPlan(ctx, jobs, id)
	if err == nil && len(plan.Rows) == 0 {
		err = ErrNothingToRevert
	}
	if err != nil {
		release()
		return bulk.Job{}, err
	}
	rj, err := jobs.Create(ctx, actor, plan)
	if err != nil {
		release()
		return bulk.Job{}, err
	}
	ctx = context.WithoutCancel(ctx)
	if _, err := s.db.ExecContext(ctx, `UPDATE history_job_reverts SET revert_job_id = $1 WHERE job_id = $2`, rj.ID, id); err != nil {
		s.opts.Logger.Error("history: job revert link not stored", "job", id, "revert_job", rj.ID, "err", err)
	}
	for i, orig := range originals {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO history_item_reverts (job_id, item_seq, original_seq)
			VALUES ($1, $2, $3)`, rj.ID, i+1, orig); err != nil {
			// Each room's entry still says what it reverts; only the link is missing.
			s.opts.Logger.Error("history: item revert link not stored", "job", rj.ID, "item", i+1, "err", err)
		}
	}
	return rj, nil
}

// JobRevertPlan is the job a revert of job id would run, without running
// it (an approval policy may first ask for a second person): the errors of
// RevertJob, but nothing is reserved.
func (s *Service) JobRevertPlan(ctx context.Context, jobs Jobs, id int64) (bulk.Plan, error) {
	j, err := jobs.Job(ctx, id)
	if err != nil {
		return bulk.Plan{}, err
	}
	if !j.Ended() {
		return bulk.Plan{}, bulk.ErrNotEnded
	}
	if l, err := s.JobLinks(ctx, id); err != nil {
		return bulk.Plan{}, err
	} else if l.RevertedAs != 0 {
		return bulk.Plan{}, &RevertedError{Job: l.RevertedAs}
	}
	plan, _, err := s.jobPlan(ctx, jobs, id)
	if err == nil && len(plan.Rows) == 0 {
		err = ErrNothingToRevert
	}
	return plan, err
}

// JobNote is what a job revert says it does.
func JobNote(id int64) string { return fmt.Sprintf("reverts job #%d", id) }

// jobPlan is the revert of each room job id changed, and the entry each
// row reverts.
func (s *Service) jobPlan(ctx context.Context, jobs Jobs, id int64) (bulk.Plan, []int64, error) {
	plan := bulk.Plan{Source: fmt.Sprintf("revert of job #%d", id)}
	var originals []int64
	err := jobs.ExportItems(ctx, id, func(it bulk.Item) error {
		if it.Status != bulk.ItemDone || it.IntentSeq == 0 {
			return nil
		}
		rec, err := s.opts.Log.Get(ctx, it.IntentSeq)
		if err != nil {
			return fmt.Errorf("history: revert job %d: entry #%d: %w", id, it.IntentSeq, err)
		}
		rv, err := planOf(rec)
		if err != nil {
			return nil // not a change that went through: nothing to revert
		}
		plan.Rows = append(plan.Rows, bulk.Row{Line: it.Line, RoomID: it.RoomID, Fields: rv.Before,
			Original: rv.After, Note: rv.Note()})
		originals = append(originals, rv.Record.Entry.Seq)
		return nil
	})
	return plan, originals, err
}
