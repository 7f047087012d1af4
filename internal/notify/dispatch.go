package notify

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// dispatchBatch is how many audit rows one dispatch transaction maps.
const dispatchBatch = 500

// persistEvery: the cursor is written with the deliveries it enqueues, or
// after this many rows that enqueued nothing (re-mapping those after a
// restart would enqueue nothing either, the unique index sees to it).
// So a log nobody subscribes to costs no writes.
const persistEvery = 2000

// lockClass is the first key of the PostgreSQL advisory locks of this
// package: (lockClass, 0) serialises dispatchers, (lockClass, webhook id)
// leases a webhook's queue.
const lockClass = 7244315

// target is a webhook as the dispatcher needs it.
type target struct {
	id      int64
	events  []Event
	fromSeq int64
}

// dispatch maps every audit row after the cursor to deliveries, then
// reports updates whose intent has stayed open too long. Every audit
// append wakes it: with no enabled webhook (the usual case) that costs one
// small query, and hooks says so, so Run does not look for deliveries
// either.
func (s *Service) dispatch(ctx context.Context) (hooks bool, err error) {
	ts, err := targets(ctx, s.db)
	if err != nil || len(ts) == 0 {
		return false, err
	}
	for {
		more, err := s.dispatchOnce(ctx, ts)
		if err != nil || !more {
			if err == nil {
				err = s.dispatchStale(ctx, ts)
			}
			return true, err
		}
	}
}

// dispatchOnce maps one batch for the webhooks ts; more says there may be
// another. Nothing is written (no transaction is even begun) while no new
// row is there to map.
func (s *Service) dispatchOnce(ctx context.Context, ts []target) (more bool, err error) {
	var stored int64
	if err := s.db.QueryRowContext(ctx, `SELECT seq FROM notify_cursor WHERE id = 1`).Scan(&stored); err != nil {
		return false, fmt.Errorf("cursor: %w", err)
	}
	s.mu.Lock()
	from := max(stored, s.cursor)
	s.mu.Unlock()
	from = max(from, slices.MinFunc(ts, func(a, b target) int { return cmp.Compare(a.fromSeq, b.fromSeq) }).fromSeq)
	es, err := s.opts.Source.Since(ctx, from, dispatchBatch)
	if err != nil || len(es) == 0 {
		return false, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if s.db.Dialect == db.Postgres {
		// Dispatchers of several instances take turns, so one webhook's
		// deliveries are inserted in seq order.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, 0)`, int32(lockClass)); err != nil {
			return false, err
		}
	}
	enqueued := 0
	for _, e := range es {
		n, err := s.enqueueEntry(ctx, tx, ts, e)
		if err != nil {
			return false, fmt.Errorf("seq %d: %w", e.Seq, err)
		}
		enqueued += n
	}
	last := es[len(es)-1].Seq
	if enqueued > 0 || last-stored >= persistEvery {
		if _, err := tx.ExecContext(ctx, `UPDATE notify_cursor SET seq = $1 WHERE id = 1 AND seq < $1`, last); err != nil {
			return false, fmt.Errorf("cursor: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	s.mu.Lock()
	s.cursor = max(s.cursor, last)
	s.mu.Unlock()
	if enqueued > 0 {
		s.Wake()
	}
	return len(es) == dispatchBatch, nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func targets(ctx context.Context, q querier) ([]target, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, events, from_seq FROM webhooks WHERE enabled ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	defer rows.Close()
	var ts []target
	for rows.Next() {
		var t target
		var events string
		if err := rows.Scan(&t.id, &events, &t.fromSeq); err != nil {
			return nil, err
		}
		t.events = splitEvents(events)
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// enqueueEntry enqueues e for every webhook that wants it; how many were new.
func (s *Service) enqueueEntry(ctx context.Context, tx *sql.Tx, ts []target, e audit.Entry) (int, error) {
	ev, ok := EventOf(e)
	if !ok {
		return 0, nil
	}
	return s.enqueue(ctx, tx, ts, ev, e)
}

func (s *Service) enqueue(ctx context.Context, tx *sql.Tx, ts []target, ev Event, e audit.Entry) (int, error) {
	var body []byte
	n := 0
	for _, t := range ts {
		if e.Seq <= t.fromSeq || !slices.Contains(t.events, ev) {
			continue
		}
		if body == nil {
			var intent *audit.Entry
			if e.Kind == audit.KindResult {
				if rec, err := s.opts.Source.Get(ctx, e.IntentSeq); err == nil {
					intent = &rec.Entry
				}
			}
			p, err := s.payload(ev, e, intent)
			if err != nil {
				return n, err
			}
			if body, err = json.Marshal(p); err != nil {
				return n, err
			}
		}
		now := micros(s.opts.Now())
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, seq, event, payload, status, next_at_us, created_at_us)
			VALUES ($1, $2, $3, $4, 'pending', $5, $5) ON CONFLICT DO NOTHING`, t.id, e.Seq, string(ev), string(body), now)
		if err != nil {
			return n, err
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	return n, nil
}

// dispatchStale reports intents left without a result for StaleIntent
// (the process stopped mid-call: the outcome stays unknown) as
// update.problem, once per webhook (the unique index again).
func (s *Service) dispatchStale(ctx context.Context, ts []target) error {
	es, err := s.opts.Source.OpenIntents(ctx, s.opts.Now().Add(-s.opts.StaleIntent), 100)
	if err != nil || len(es) == 0 {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	n := 0
	for _, e := range es {
		if e.Action != audit.ActionRoomUpdate {
			continue
		}
		k, err := s.enqueue(ctx, tx, ts, EventUpdateProblem, e)
		if err != nil {
			return err
		}
		n += k
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if n > 0 {
		s.Wake()
	}
	return nil
}
