package bulk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Run is the runner: it works through queued and running jobs, oldest
// first and one at a time (they share one pacing budget anyway), until ctx
// ends. Items left "sending" by an earlier process are resumed first.
// Several instances may run one each on a shared PostgreSQL: a job is
// worked by one runner at a time (see lease).
func (s *Service) Run(ctx context.Context) {
	var tidied time.Time
	for ctx.Err() == nil {
		if now := s.opts.Now(); now.Sub(tidied) >= time.Minute {
			s.cancelAbandoned(ctx)
			tidied = now
		}
		j, l, err := s.nextJob(ctx)
		if err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("bulk: looking for jobs", "err", err)
		}
		if l != nil {
			err := s.runJob(ctx, j)
			l.release()
			if err != nil && ctx.Err() == nil {
				s.opts.Logger.Error("bulk: job", "job", j.ID, "err", err)
			} else {
				continue
			}
		}
		t := time.NewTimer(s.opts.Poll)
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// nextJob is the oldest unfinished job whose lease this runner could take
// (see lease); jobs other instances are working are passed over.
func (s *Service) nextJob(ctx context.Context) (Job, *lease, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM bulk_jobs
		WHERE status IN ('queued', 'running', 'cancelling') AND held = 0 AND `+s.mine(1)+` ORDER BY id LIMIT 20`, s.opts.App)
	if err != nil {
		return Job{}, nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return Job{}, nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Job{}, nil, err
	}
	for _, id := range ids {
		l, ok, err := s.tryLease(ctx, id)
		if err != nil || !ok {
			if err != nil {
				return Job{}, nil, err
			}
			continue
		}
		// Re-read under the lease: the holder before us may have just
		// finished it.
		j, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM bulk_jobs WHERE id = $1`, id))
		if err == nil && !j.Ended() {
			return j, l, nil
		}
		l.release()
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Job{}, nil, err
		}
	}
	return Job{}, nil, nil
}

// work is one item handed to a worker.
type work struct {
	item      Item
	recovered bool // it was "sending" when an earlier process stopped
}

// outcome is what a worker made of an item; keep means leave it claimed
// (the runner is stopping and the item may be in flight).
type outcome struct {
	item Item
	keep bool
}

func (s *Service) runJob(ctx context.Context, j Job) error {
	now := micros(s.opts.Now())
	res, err := s.db.ExecContext(ctx, `UPDATE bulk_jobs SET status = 'running',
		started_at_us = CASE started_at_us WHEN 0 THEN $2 ELSE started_at_us END
		WHERE id = $1 AND status = 'queued'`, j.ID, now)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 { // not when resuming a running job
		s.event(ctx, runnerActor, audit.ActionBulkStart, j.ID, audit.OutcomeOK,
			fmt.Sprintf("job %d created by %s: %d rooms", j.ID, j.CreatedBy, j.Total))
	}
	s.opts.Logger.Info("bulk: job running", "job", j.ID, "rooms", j.Total)
	jobs := make(chan work)
	results := make(chan outcome, s.opts.Workers)
	var wg sync.WaitGroup
	for range s.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range jobs {
				results <- s.process(ctx, j, w)
			}
		}()
	}
	written := make(chan error, 1)
	go func() { written <- s.writeResults(results) }()
	err = s.dispatch(ctx, j, jobs)
	close(jobs)
	wg.Wait()
	close(results)
	if werr := <-written; err == nil {
		err = werr
	}
	if err != nil || ctx.Err() != nil {
		return err // the job stays running; the next runner resumes it
	}
	return s.finishJob(ctx, j.ID)
}

// dispatch feeds the workers: first the items an earlier process left
// "sending", then the pending ones, claimed a few at a time so a
// cancellation is seen within one batch.
func (s *Service) dispatch(ctx context.Context, j Job, jobs chan<- work) error {
	stale, err := s.queryItems(ctx, `SELECT `+itemCols+` FROM bulk_items WHERE job_id = $1 AND status = 'sending' ORDER BY seq`, j.ID)
	if err != nil {
		return err
	}
	for _, it := range stale { // even when cancelling: they may have been sent
		select {
		case jobs <- work{item: it, recovered: true}:
		case <-ctx.Done():
			return nil
		}
	}
	for {
		var status string
		if err := s.db.QueryRowContext(ctx, `SELECT status FROM bulk_jobs WHERE id = $1`, j.ID).Scan(&status); err != nil {
			return fmt.Errorf("status: %w", err)
		}
		if status == JobCancelling {
			return nil
		}
		claimed, err := s.claim(ctx, j.ID, s.opts.Workers)
		if err != nil || len(claimed) == 0 {
			return err
		}
		for i, it := range claimed {
			select {
			case jobs <- work{item: it}:
			case <-ctx.Done():
				return s.release(claimed[i:])
			}
		}
	}
}

// claim marks the next n pending items "sending" and returns them.
func (s *Service) claim(ctx context.Context, jobID int64, n int) ([]Item, error) {
	items, err := s.queryItems(ctx, `UPDATE bulk_items SET status = 'sending', updated_at_us = $3
		WHERE job_id = $1 AND status = 'pending' AND seq IN
		(SELECT seq FROM bulk_items WHERE job_id = $1 AND status = 'pending' ORDER BY seq LIMIT $2)
		RETURNING `+itemCols, jobID, n, micros(s.opts.Now()))
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	return items, nil
}

// release returns claimed items that were never handed to a worker (so
// never sent) to "pending".
func (s *Service) release(items []Item) error {
	ctx := context.Background()
	for _, it := range items {
		if _, err := s.db.ExecContext(ctx, `UPDATE bulk_items SET status = 'pending'
			WHERE job_id = $1 AND seq = $2 AND status = 'sending'`, it.JobID, it.Seq); err != nil {
			return fmt.Errorf("release: %w", err)
		}
	}
	return nil
}

// process runs one item through the single edit, retrying while Tencent
// cannot be reached: every try re-reads the room first, so a try after an
// update that did land finds nothing to send.
func (s *Service) process(ctx context.Context, j Job, w work) outcome {
	it := w.item
	actor := audit.Actor{Name: j.CreatedBy, Role: j.Role, IP: j.IP, UserAgent: j.UserAgent, JobID: j.Key(), Note: it.Note}
	delay := s.opts.RetryDelay
	for try := 1; ; try++ {
		it.Attempts++
		res, err := s.up.Update(ctx, actor, it.RoomID, it.Fields, it.original())
		if ctx.Err() != nil && (err != nil || res.Outcome == audit.OutcomeUnknown) {
			return outcome{item: it, keep: true} // stopping: the next runner re-reads it
		}
		retry := settle(&it, res, err, w.recovered || try > 1)
		if !retry || try >= s.opts.ItemAttempts {
			return outcome{item: it}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return outcome{item: it, keep: true}
		case <-t.C:
		}
		delay *= 2
	}
}

// settle records an Update's answer on the item and says whether another
// try could help: Tencent unreachable, the outcome unknown, or the audit log
// down. A Tencent error code, even a retryable one (60007, 100012,
// 100001…), is not retried here: the client already retried it with
// backoff, and trying the item again at once would only add to the load
// that caused it. The finished job offers "retry the failed rooms".
func settle(it *Item, res rooms.Result, err error, resent bool) (retry bool) {
	it.RequestID, it.ErrorCode, it.ErrorInfo = "", 0, ""
	var ae *tencent.APIError
	var ve *rooms.ValidationError
	var ce *rooms.ConflictError
	switch {
	case err == nil:
		it.IntentSeq = max(it.IntentSeq, res.IntentSeq)
		it.RequestID, it.ErrorCode, it.ErrorInfo = res.RequestID, res.ErrorCode, res.ErrorInfo
		it.Changes = formatChanges(res.Changes)
		switch res.Outcome {
		case audit.OutcomeOK:
			it.Status, it.Message = ItemDone, "Updated."
		case rooms.OutcomeNothing:
			if resent {
				// Claimed before (a crash or an unknown outcome), and the room
				// now holds the values: that earlier request was applied.
				it.Status, it.Message = ItemDone, "Already applied by an earlier attempt; not sent again."
			} else {
				it.Status, it.Message = ItemSkipped, "Nothing to update: the room already has these values."
			}
		case audit.OutcomeFailed:
			it.Status, it.Message = ItemFailed, firstNonEmpty(res.Meaning, res.Message)
		default:
			it.Status, it.Message = ItemFailed, "Outcome unknown: Tencent did not answer. "+res.Message
			return true
		}
	case errors.Is(err, rooms.ErrRoomNotFound):
		it.Status, it.Message = ItemFailed, "No such room (or it was dismissed)."
		it.ErrorCode = tencent.CodeRoomNotFound
		if errors.As(err, &ae) {
			it.ErrorInfo, it.RequestID = ae.Info, ae.RequestID
		}
	case errors.As(err, &ve):
		it.Status, it.Message = ItemFailed, ve.Error()
	case errors.As(err, &ce):
		it.Status, it.Message = ItemFailed, conflictMessage(ce)
	default:
		it.Status, it.Message = ItemFailed, "Not sent: "+err.Error()
		if errors.As(err, &ae) {
			it.ErrorCode, it.ErrorInfo, it.RequestID = ae.Code, ae.Info, ae.RequestID
			if info := tencent.Describe(ae.Code); info.Retryable {
				it.Message = fmt.Sprintf("Not sent: Tencent answered %d (%s) after roomdesk's retries. Retry the failed rooms when the job has ended.", ae.Code, info.Meaning)
			}
			return false
		}
		return errors.Is(err, tencent.ErrUnreachable) || errors.Is(err, rooms.ErrAuditUnavailable)
	}
	return false
}

// writeResults stores finished items in small transactions (one per burst
// of results, not one per item) so SQLite keeps up with the pace. An item
// whose result is lost in a crash is still "sending" and is re-read, not
// re-sent blindly, by the next runner.
func (s *Service) writeResults(results <-chan outcome) error {
	ctx := context.Background()
	var firstErr error
	buf := make([]Item, 0, 64)
	flush := func() {
		if len(buf) == 0 {
			return
		}
		if err := s.storeItems(ctx, buf); err != nil && firstErr == nil {
			firstErr = err
		}
		buf = buf[:0]
	}
	for o := range results {
		if !o.keep {
			buf = append(buf, o.item)
		}
	drain:
		for len(buf) < cap(buf) {
			select {
			case o, ok := <-results:
				if !ok {
					break drain
				}
				if !o.keep {
					buf = append(buf, o.item)
				}
			default:
				break drain
			}
		}
		flush()
	}
	flush()
	return firstErr
}

func (s *Service) storeItems(ctx context.Context, items []Item) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	defer tx.Rollback()
	now := micros(s.opts.Now())
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, `UPDATE bulk_items SET status = $3, request_id = $4, error_code = $5,
			error_info = $6, message = $7, changes = $8, attempts = $9, intent_seq = $10, updated_at_us = $11
			WHERE job_id = $1 AND seq = $2`, it.JobID, it.Seq, it.Status, it.RequestID, it.ErrorCode,
			it.ErrorInfo, it.Message, it.Changes, it.Attempts, it.IntentSeq, now); err != nil {
			return fmt.Errorf("results: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}

// finishJob ends a job whose runner ran out of items (or was cancelled),
// keeping its final counts on the job row.
func (s *Service) finishJob(ctx context.Context, id int64) error {
	c, err := s.counts(ctx, id)
	if err != nil {
		return err
	}
	status := JobDone
	if c.Remaining() > 0 {
		status = JobCancelled
	}
	_, err = s.db.ExecContext(ctx, `UPDATE bulk_jobs SET status = $2, finished_at_us = $3,
		done_count = $4, failed_count = $5, skipped_count = $6 WHERE id = $1`,
		id, status, micros(s.opts.Now()), c.Done, c.Failed, c.Skipped)
	if err != nil {
		return fmt.Errorf("finish: %w", err)
	}
	s.opts.Logger.Info("bulk: job ended", "job", id, "status", status, "done", c.Done, "failed", c.Failed, "skipped", c.Skipped)
	s.event(ctx, runnerActor, audit.ActionBulkFinish, id, audit.OutcomeOK,
		fmt.Sprintf("job %d %s: %d done, %d failed, %d skipped, %d not sent", id, status, c.Done, c.Failed, c.Skipped, c.Remaining()))
	return nil
}
