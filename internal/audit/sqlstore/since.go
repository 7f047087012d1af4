package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// Since returns up to limit rows (entries, not records: an intent and its
// result are two) with seq > after, in seq order. Followers of the log use
// it: the webhook dispatcher and /audit/stream. Appends commit in seq
// order (the append lock is held until commit), so a reader never sees a
// row before an earlier one.
func (s *Store) Since(ctx context.Context, after int64, limit int) ([]audit.Entry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+cols("")+" FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", after, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: since: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var r raw
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, fmt.Errorf("audit: since: %w", err)
		}
		e, err := r.entry()
		if err != nil {
			return nil, fmt.Errorf("audit: since: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: since: %w", err)
	}
	return out, nil
}

// Head is the seq of the last row (0 for an empty log).
func (s *Store) Head(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_log`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("audit: head: %w", err)
	}
	return seq, nil
}

// OpenIntents returns up to limit intents still without a result that were
// written before `before`, oldest first: updates whose outcome stays
// unknown because the process stopped mid-call (see audit_open).
func (s *Store) OpenIntents(ctx context.Context, before time.Time, limit int) ([]audit.Entry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+cols("l")+` FROM audit_open o JOIN audit_log l ON l.seq = o.seq
		WHERE l.at_us < $1 ORDER BY o.seq LIMIT $2`, before.UnixMicro(), limit)
	if err != nil {
		return nil, fmt.Errorf("audit: open intents: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var r raw
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, fmt.Errorf("audit: open intents: %w", err)
		}
		e, err := r.entry()
		if err != nil {
			return nil, fmt.Errorf("audit: open intents: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
