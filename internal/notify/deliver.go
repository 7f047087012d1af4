package notify

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/db"
)

// backoff is the wait after the n-th failed attempt: 10 s, 20 s, 40 s …
// at most an hour.
func backoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// deliverDue starts a drain for every enabled webhook whose queue head is
// due and that this instance is not already draining. It returns how long
// until the earliest head that is not yet due (0: none).
func (s *Service) deliverDue(ctx context.Context) (time.Duration, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.webhook_id, d.next_at_us FROM webhook_deliveries d
		JOIN webhooks w ON w.id = d.webhook_id
		WHERE w.enabled AND d.id = (SELECT MIN(x.id) FROM webhook_deliveries x
			WHERE x.webhook_id = d.webhook_id AND x.status = 'pending')`)
	if err != nil {
		return 0, err
	}
	type head struct{ id, at int64 }
	var heads []head
	for rows.Next() {
		var h head
		if err := rows.Scan(&h.id, &h.at); err != nil {
			rows.Close()
			return 0, err
		}
		heads = append(heads, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	now := micros(s.opts.Now())
	var next time.Duration
	for _, h := range heads {
		if h.at > now { // the head waits for its retry, and the queue with it
			if d := time.Duration(h.at-now) * time.Microsecond; next == 0 || d < next {
				next = d
			}
			continue
		}
		s.mu.Lock()
		busy := s.inFlight[h.id]
		if !busy {
			s.inFlight[h.id] = true
			s.running.Add(1)
		}
		s.mu.Unlock()
		if busy {
			continue
		}
		go func() {
			defer s.running.Done()
			sent, err := s.drain(ctx, h.id)
			s.mu.Lock()
			delete(s.inFlight, h.id)
			s.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				s.opts.Logger.Error("notify: delivering", "webhook", h.id, "err", err)
			}
			if sent {
				s.Wake() // more may have arrived meanwhile, or a retry time been set
			}
		}()
	}
	return next, nil
}

// drain sends one webhook's due deliveries in order until its queue is
// empty, its head must wait for a retry, or ctx ends. A failing head
// stops only this webhook. sent says whether anything was attempted.
func (s *Service) drain(ctx context.Context, webhook int64) (sent bool, err error) {
	l, ok, err := s.lease(ctx, webhook)
	if err != nil || !ok {
		return false, err // another instance is delivering it
	}
	defer l.release()
	for ctx.Err() == nil {
		d, ok, err := s.head(ctx, webhook)
		if err != nil || !ok || d.nextAt > micros(s.opts.Now()) {
			return sent, err
		}
		code, sendErr := s.send(ctx, d)
		if ctx.Err() != nil {
			return sent, nil // stopping: the attempt is not counted, the delivery stays pending
		}
		sent = true
		if err := s.record(ctx, d, code, sendErr); err != nil {
			return sent, err
		}
		if s.opts.Attempted != nil {
			s.opts.Attempted(Attempt{Webhook: webhook, Delivery: d.id, OK: sendErr == nil, Code: code})
		}
		if sendErr != nil && d.attempts+1 < s.opts.MaxAttempts {
			return sent, nil // the head waits for its retry; so does the rest of this queue
		}
	}
	return sent, nil
}

// pending is a queued delivery with what sending it needs.
type pending struct {
	id, webhook, seq int64
	event            Event
	payload          string
	attempts         int
	nextAt           int64
	url, secret      string
	format           Format
}

// head is the webhook's oldest pending delivery.
func (s *Service) head(ctx context.Context, webhook int64) (pending, bool, error) {
	var p pending
	var seq sql.NullInt64
	var event, format string
	err := s.db.QueryRowContext(ctx, `SELECT d.id, d.webhook_id, d.seq, d.event, d.payload, d.attempts, d.next_at_us,
		w.url, w.secret, w.format FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.webhook_id = $1 AND d.status = 'pending' AND w.enabled ORDER BY d.id LIMIT 1`, webhook).Scan(
		&p.id, &p.webhook, &seq, &event, &p.payload, &p.attempts, &p.nextAt, &p.url, &p.secret, &format)
	if errors.Is(err, sql.ErrNoRows) {
		return pending{}, false, nil
	}
	if err != nil {
		return pending{}, false, err
	}
	p.seq, p.event, p.format = seq.Int64, Event(event), Format(format)
	return p, true, nil
}

// record stores an attempt's outcome: delivered, retried later, or given
// up after MaxAttempts. errText is already scrubbed of the URL.
func (s *Service) record(ctx context.Context, d pending, code int, sendErr error) error {
	now := s.opts.Now()
	attempts := d.attempts + 1
	var err error
	switch {
	case sendErr == nil:
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'delivered', attempts = $1, last_code = $2,
			last_error = '', done_at_us = $3 WHERE id = $4`, attempts, code, micros(now), d.id)
	case attempts >= s.opts.MaxAttempts:
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'failed', attempts = $1, last_code = $2,
			last_error = $3, done_at_us = $4 WHERE id = $5`, attempts, code, sendErr.Error(), micros(now), d.id)
		s.opts.Logger.Warn("notify: delivery given up", "webhook", d.webhook, "delivery", d.id, "attempts", attempts, "err", sendErr)
	default:
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = $1, last_code = $2, last_error = $3,
			next_at_us = $4 WHERE id = $5`, attempts, code, sendErr.Error(), micros(now.Add(backoff(attempts))), d.id)
		s.opts.Logger.Info("notify: delivery failed, will retry", "webhook", d.webhook, "delivery", d.id,
			"attempts", attempts, "retry_in", backoff(attempts), "err", sendErr)
	}
	if err != nil {
		return fmt.Errorf("record attempt: %w", err)
	}
	return nil
}

// lease is this instance's exclusive hold on one webhook's queue: on
// PostgreSQL a session advisory lock on a connection of its own (freed
// when the instance dies), as bulk jobs are leased. SQLite serves one
// process, which drains each webhook at most once at a time anyway.
type lease struct {
	conn    *sql.Conn
	webhook int64
}

func (s *Service) lease(ctx context.Context, webhook int64) (*lease, bool, error) {
	if s.db.Dialect != db.Postgres {
		return &lease{webhook: webhook}, true, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lease: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, int32(lockClass), int32(webhook)).Scan(&got); err != nil || !got {
		conn.Close()
		if err != nil {
			return nil, false, fmt.Errorf("lease: %w", err)
		}
		return nil, false, nil
	}
	return &lease{conn: conn, webhook: webhook}, true, nil
}

func (l *lease) release() {
	if l.conn == nil {
		return
	}
	_, err := l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, int32(lockClass), int32(l.webhook))
	if err != nil {
		l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	l.conn.Close()
}
