package bulk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

const jobCols = `id, created_by, created_by_role, client_ip, user_agent, created_at_us, started_at_us,
	finished_at_us, status, source, fields, total_items, done_count, failed_count, skipped_count, cancelled_by,
	COALESCE(retry_of, 0), COALESCE((SELECT r.id FROM bulk_jobs r WHERE r.retry_of = bulk_jobs.id), 0)`

const itemCols = `job_id, seq, line, room_id, fields, status, request_id, error_code, error_info,
	message, changes, attempts, intent_seq, updated_at_us, original, note`

// Create stores plan as a queued job, audits it (bulk.create) and wakes
// the runner. When the audit log cannot take the entry, nothing is stored
// and the error wraps rooms.ErrAuditUnavailable.
func (s *Service) Create(ctx context.Context, actor audit.Actor, plan Plan) (Job, error) {
	j, err := s.create(ctx, actor, plan, 0)
	if err != nil {
		return Job{}, err
	}
	if err := s.admit(ctx, actor, j, audit.ActionBulkCreate, fmt.Sprintf("job %d: %d rooms (%s)", j.ID, len(plan.Rows), plan.Source)); err != nil {
		return Job{}, err
	}
	return j, nil
}

// create stores plan as a queued job, held until admit; retryOf, when not
// 0, is the job whose failed rooms these are.
func (s *Service) create(ctx context.Context, actor audit.Actor, plan Plan, retryOf int64) (Job, error) {
	if len(plan.Rows) == 0 {
		return Job{}, errors.New("bulk: create: no rooms")
	}
	common, err := json.Marshal(plan.Common)
	if err != nil {
		return Job{}, fmt.Errorf("bulk: create: %w", err)
	}
	now := s.opts.Now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Job{}, fmt.Errorf("bulk: create: %w", err)
	}
	defer tx.Rollback()
	var id int64
	var retry any // NULL unless a retry: the unique index allows many NULLs
	if retryOf != 0 {
		retry = retryOf
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO bulk_jobs (created_by, created_by_role, client_ip, user_agent,
		created_at_us, status, source, fields, total_items, retry_of, app, held) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id`,
		actor.Name, actor.Role, actor.IP, actor.UserAgent, micros(now), JobQueued, plan.Source,
		string(common), len(plan.Rows), retry, s.opts.App).Scan(&id)
	if err != nil {
		return Job{}, fmt.Errorf("bulk: create: %w", err)
	}
	const chunk = 100 // 8 parameters a row, well under both drivers' limits
	for start := 0; start < len(plan.Rows); start += chunk {
		rows := plan.Rows[start:min(start+chunk, len(plan.Rows))]
		var q strings.Builder
		q.WriteString(`INSERT INTO bulk_items (job_id, seq, line, room_id, fields, status, original, note) VALUES `)
		args := make([]any, 0, len(rows)*8)
		for i, r := range rows {
			f, err := json.Marshal(r.Fields)
			if err != nil {
				return Job{}, fmt.Errorf("bulk: create: %w", err)
			}
			orig := ""
			if r.Original != nil {
				b, err := json.Marshal(r.Original)
				if err != nil {
					return Job{}, fmt.Errorf("bulk: create: %w", err)
				}
				orig = string(b)
			}
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8)
			args = append(args, id, start+i+1, r.Line, r.RoomID, string(f), ItemPending, orig, r.Note)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return Job{}, fmt.Errorf("bulk: create items: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Job{}, fmt.Errorf("bulk: create: %w", err)
	}
	return s.Job(ctx, id)
}

// Wake tells the runner to look for work now.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

type scanner interface{ Scan(dest ...any) error }

func scanJob(r scanner) (Job, error) {
	var j Job
	var created, started, finished int64
	var fields string
	err := r.Scan(&j.ID, &j.CreatedBy, &j.Role, &j.IP, &j.UserAgent, &created, &started, &finished,
		&j.Status, &j.Source, &fields, &j.Total, &j.Counts.Done, &j.Counts.Failed, &j.Counts.Skipped, &j.CancelledBy,
		&j.RetryOf, &j.RetriedAs)
	if err != nil {
		return Job{}, err
	}
	j.CreatedAt, j.StartedAt, j.FinishedAt = fromMicros(created), fromMicros(started), fromMicros(finished)
	if err := json.Unmarshal([]byte(fields), &j.Fields); err != nil {
		return Job{}, fmt.Errorf("job %d fields: %w", j.ID, err)
	}
	j.Counts.Pending = j.Total - j.Counts.Finished()
	return j, nil
}

// Job reads one job with its current counts.
func (s *Service) Job(ctx context.Context, id int64) (Job, error) {
	j, err := scanJob(s.db.QueryRowContext(ctx, `SELECT `+jobCols+` FROM bulk_jobs WHERE id = $1 AND `+s.mine(2), id, s.opts.App))
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, ErrNotFound
	}
	if err != nil {
		return Job{}, fmt.Errorf("bulk: job %d: %w", id, err)
	}
	if !j.Ended() {
		if j.Counts, err = s.counts(ctx, id); err != nil {
			return Job{}, err
		}
	}
	return j, nil
}

func (s *Service) counts(ctx context.Context, id int64) (Counts, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM bulk_items WHERE job_id = $1 GROUP BY status`, id)
	if err != nil {
		return Counts{}, fmt.Errorf("bulk: counts: %w", err)
	}
	defer rows.Close()
	var c Counts
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return Counts{}, err
		}
		switch st {
		case ItemPending:
			c.Pending = n
		case ItemSending:
			c.Sending = n
		case ItemDone:
			c.Done = n
		case ItemFailed:
			c.Failed = n
		case ItemSkipped:
			c.Skipped = n
		}
	}
	return c, rows.Err()
}

// Recent lists the newest jobs.
func (s *Service) Recent(ctx context.Context, limit int) ([]Job, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+jobCols+` FROM bulk_jobs WHERE `+s.mine(2)+` ORDER BY id DESC LIMIT $1`, limit, s.opts.App)
	if err != nil {
		return nil, fmt.Errorf("bulk: recent: %w", err)
	}
	var jobs []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		jobs = append(jobs, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range jobs {
		if !jobs[i].Ended() {
			if jobs[i].Counts, err = s.counts(ctx, jobs[i].ID); err != nil {
				return nil, err
			}
		}
	}
	return jobs, nil
}

// rateWindow is how far back the progress rate looks.
const rateWindow = 5 * time.Second

// Progress reads a job with its recent rate and the time left at it.
func (s *Service) Progress(ctx context.Context, id int64) (Progress, error) {
	j, err := s.Job(ctx, id)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Job: j}
	if j.StartedAt.IsZero() {
		return p, nil
	}
	now := s.opts.Now()
	end := now
	if j.Ended() {
		end = j.FinishedAt
	}
	window := min(rateWindow, end.Sub(j.StartedAt))
	if window <= 0 {
		return p, nil
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bulk_items WHERE job_id = $1 AND updated_at_us > $2
		AND status IN ('done', 'failed', 'skipped')`, id, micros(end.Add(-window))).Scan(&n)
	if err != nil {
		return Progress{}, fmt.Errorf("bulk: progress: %w", err)
	}
	if j.Ended() {
		// Over the whole run: a finished job's last seconds say little.
		window, n = end.Sub(j.StartedAt), j.Counts.Finished()
	}
	p.Rate = float64(n) / window.Seconds()
	if p.Rate > 0 && !j.Ended() {
		p.ETA = time.Duration(float64(j.Counts.Remaining()) / p.Rate * float64(time.Second)).Round(time.Second)
	}
	return p, nil
}

func scanItem(r scanner) (Item, error) {
	var it Item
	var fields, orig string
	var updated int64
	err := r.Scan(&it.JobID, &it.Seq, &it.Line, &it.RoomID, &fields, &it.Status, &it.RequestID, &it.ErrorCode,
		&it.ErrorInfo, &it.Message, &it.Changes, &it.Attempts, &it.IntentSeq, &updated, &orig, &it.Note)
	if err != nil {
		return Item{}, err
	}
	it.UpdatedAt = fromMicros(updated)
	if err := json.Unmarshal([]byte(fields), &it.Fields); err != nil {
		return Item{}, fmt.Errorf("item %d/%d fields: %w", it.JobID, it.Seq, err)
	}
	if orig != "" {
		if err := json.Unmarshal([]byte(orig), &it.Original); err != nil {
			return Item{}, fmt.Errorf("item %d/%d original: %w", it.JobID, it.Seq, err)
		}
	}
	return it, nil
}

// Items lists up to limit items of a job: failures first, then the most
// recently finished, then those still to come.
func (s *Service) Items(ctx context.Context, id int64, limit int) ([]Item, error) {
	return s.queryItems(ctx, `SELECT `+itemCols+` FROM bulk_items WHERE job_id = $1
		ORDER BY CASE status WHEN 'failed' THEN 0 WHEN 'sending' THEN 1 WHEN 'done' THEN 2 WHEN 'skipped' THEN 3 ELSE 4 END,
		updated_at_us DESC, seq LIMIT $2`, id, limit)
}

// ExportItems calls fn with every item of the job, in order.
func (s *Service) ExportItems(ctx context.Context, id int64, fn func(Item) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT `+itemCols+` FROM bulk_items WHERE job_id = $1 ORDER BY seq`, id)
	if err != nil {
		return fmt.Errorf("bulk: export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return err
		}
		if err := fn(it); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Service) queryItems(ctx context.Context, q string, args ...any) ([]Item, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("bulk: items: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Cancel stops a job: a queued one at once, a running one after its
// in-flight items (the runner sees "cancelling" before claiming more). Only
// the job's creator or an admin may (ErrForbidden, audited as a refusal);
// the cancellation is audited with who asked.
func (s *Service) Cancel(ctx context.Context, id int64, actor audit.Actor) error {
	j, err := s.Job(ctx, id)
	if err != nil {
		return err
	}
	if !mayCancel(actor, j) {
		s.event(ctx, actor, audit.ActionDenied, id, audit.OutcomeDenied, "cancel refused: "+cancelDetail(j))
		return ErrForbidden
	}
	res, err := s.db.ExecContext(ctx, `UPDATE bulk_jobs SET cancelled_by = $2,
		status = CASE status WHEN 'queued' THEN 'cancelled' ELSE 'cancelling' END,
		finished_at_us = CASE status WHEN 'queued' THEN $3 ELSE finished_at_us END
		WHERE id = $1 AND status IN ('queued', 'running')`, id, actor.Name, micros(s.opts.Now()))
	if err != nil {
		return fmt.Errorf("bulk: cancel: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		j, err := s.Job(ctx, id)
		if err != nil {
			return err
		}
		if j.Status == JobCancelling {
			return nil
		}
		return ErrFinished
	}
	s.event(ctx, actor, audit.ActionBulkCancel, id, audit.OutcomeOK, cancelDetail(j))
	return nil
}
