package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// Delivery is one row of a webhook's delivery log.
type Delivery struct {
	ID        int64
	Seq       int64 // the audit entry; 0 for a test event
	Event     Event
	Status    string // pending, delivered, failed
	Attempts  int
	NextAt    time.Time // pending: when the next attempt is due
	LastCode  int       // HTTP status of the last attempt, 0 if none answered
	LastError string    // why the last attempt failed (never the URL)
	CreatedAt time.Time
	DoneAt    time.Time
}

// Deliveries returns a webhook's newest deliveries first, up to limit,
// older than before (0: from the newest).
func (s *Service) Deliveries(ctx context.Context, webhook, before int64, limit int) ([]Delivery, error) {
	if before <= 0 {
		before = 1<<62 - 1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, seq, event, status, attempts, next_at_us, last_code, last_error,
		created_at_us, done_at_us FROM webhook_deliveries WHERE webhook_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
		webhook, before, limit)
	if err != nil {
		return nil, fmt.Errorf("notify: deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var seq sql.NullInt64
		var event string
		var next, created, done int64
		if err := rows.Scan(&d.ID, &seq, &event, &d.Status, &d.Attempts, &next, &d.LastCode, &d.LastError, &created, &done); err != nil {
			return nil, fmt.Errorf("notify: deliveries: %w", err)
		}
		d.Seq, d.Event = seq.Int64, Event(event)
		d.NextAt, d.CreatedAt = time.UnixMicro(next).UTC(), time.UnixMicro(created).UTC()
		if done > 0 {
			d.DoneAt = time.UnixMicro(done).UTC()
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SendTest queues a test event for a webhook, behind what it already
// has queued; the delivery log shows how it went.
func (s *Service) SendTest(ctx context.Context, actor audit.Actor, id int64) error {
	w, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	b, err := json.Marshal(s.testPayload(w, actor.Name))
	if err != nil {
		return err
	}
	now := micros(s.opts.Now())
	if _, err := s.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, seq, event, payload, status, next_at_us, created_at_us)
		VALUES ($1, NULL, $2, $3, 'pending', $4, $4)`, id, string(EventTest), string(b), now); err != nil {
		return fmt.Errorf("notify: test event: %w", err)
	}
	s.Wake()
	return nil
}
