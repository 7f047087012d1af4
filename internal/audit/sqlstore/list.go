package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/audit"
)

const (
	defaultLimit = 50
	maxLimit     = 1000
	maxChunk     = 2000
)

// List returns up to limit records older than before (0: from the newest),
// newest first. Paging is keyset on seq, so a page costs the same at any
// depth: every filter has an index ending in seq.
func (s *Store) List(ctx context.Context, f audit.Filter, before int64, limit int) (audit.Page, error) {
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	recs, err := s.list(ctx, f, before, limit+1)
	if err != nil {
		return audit.Page{}, fmt.Errorf("audit: list: %w", err)
	}
	var p audit.Page
	if len(recs) > limit {
		recs = recs[:limit]
		p.NextCursor = recs[limit-1].Entry.Seq
	}
	p.Records = recs
	return p, nil
}

// Export calls fn with every record matching f, newest first, from one
// streaming query: no pages, no re-planning, memory flat (one record at a
// time). The outcome is checked in SQL on each row, whatever the other
// filters. It holds one connection (and on SQLite one read snapshot, which
// also makes the export a consistent cut of the log) until fn has seen the
// last record: a slow download keeps it that long.
func (s *Store) Export(ctx context.Context, f audit.Filter, fn func(audit.Record) error) error {
	lo, hi, ok, err := s.bounds(ctx, f, 0)
	if err != nil || !ok {
		return err
	}
	cond, args := whereInline(f, lo, hi, true)
	rows, err := s.db.QueryContext(ctx, recordSelect+cond+" ORDER BY i.seq DESC", args...)
	if err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	defer rows.Close()
	var sc recordScanner
	for rows.Next() {
		rec, err := sc.scan(rows)
		if err != nil {
			return fmt.Errorf("audit: export: %w", err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	return nil
}

// bounds turns the time range into a seq range [lo, hi). It relies on at_us
// never decreasing along seq (Append clamps), so the rows at or after a time
// form a suffix of the log, found with one probe of the at_us index; the
// page query is then a seq range on whichever index fits the other filters.
// ok is false when the range is empty.
func (s *Store) bounds(ctx context.Context, f audit.Filter, before int64) (lo, hi int64, ok bool, err error) {
	lo, hi = 1, math.MaxInt64
	if before > 0 {
		hi = before
	}
	first := func(us int64) (int64, bool, error) {
		var seq int64
		err := s.db.QueryRowContext(ctx,
			`SELECT seq FROM audit_log WHERE at_us >= $1 ORDER BY at_us, seq LIMIT 1`, us).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		return seq, err == nil, err
	}
	if !f.From.IsZero() {
		seq, found, err := first(f.From.UnixMicro())
		if err != nil || !found {
			return 0, 0, false, err
		}
		lo = seq
	}
	if !f.To.IsZero() {
		seq, found, err := first(f.To.UnixMicro())
		if err != nil {
			return 0, 0, false, err
		}
		if found {
			hi = min(hi, seq)
		}
	}
	return lo, hi, lo < hi, nil
}

// where is the filter as SQL on the record row i, seq range included.
func where(f audit.Filter, lo, hi int64) (string, []any) {
	return whereInline(f, lo, hi, inlineOutcome(f))
}

// whereInline is where with the outcome checked in SQL when inline is set.
func whereInline(f audit.Filter, lo, hi int64, inline bool) (string, []any) {
	var q strings.Builder
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		q.WriteString(" AND " + strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	// Bounds only when they bound something: a vacuous seq range can tempt a
	// planner onto the primary key instead of the filter's index.
	if lo > 1 {
		add("i.seq >= ?", lo)
	}
	if hi < math.MaxInt64 {
		add("i.seq < ?", hi)
	}
	for _, c := range []struct{ col, v string }{
		{"i.action", f.Action}, {"i.job_id", f.JobID}, {"i.app", f.App},
	} {
		if c.v != "" {
			add(c.col+" = ?", c.v)
		}
	}
	// Room and operator match by prefix ("live_10" finds live_1001…), in
	// characters on both dialects; substr rather than LIKE, whose case
	// folding and wildcards differ between them.
	for _, c := range []struct{ col, v string }{{"i.room_id", f.RoomID}, {"i.actor", f.Actor}} {
		if c.v != "" {
			args = append(args, int64(utf8.RuneCountInString(c.v)), c.v)
			fmt.Fprintf(&q, " AND substr(%s, 1, $%d) = $%d", c.col, len(args)-1, len(args))
		}
	}
	// No at_us conditions: bounds already turned the time range into the
	// seq range above (at_us never decreases along seq), and an at_us range
	// tempts SQLite onto audit_log_at, fetching every row of the range and
	// sorting it (0.25 s for one hour of a busy log) instead of walking seq
	// backwards and stopping after one page.
	if inline && f.Outcome != "" {
		if f.Outcome == audit.OutcomeUnknown {
			q.WriteString(" AND ((i.kind = 'event' AND i.outcome = 'unknown') OR" +
				" (i.kind = 'intent' AND (r.seq IS NULL OR r.outcome = 'unknown')))")
		} else {
			// Both ? become the same $N: one argument.
			add("((i.kind = 'event' AND i.outcome = ?) OR (i.kind = 'intent' AND r.outcome = ?))", f.Outcome)
		}
	}
	if f.RequestID != "" {
		// A RequestId is on the result row (or an event): map the row to the
		// record it belongs to. The set is tiny, found by its index.
		add("i.seq IN (SELECT COALESCE(intent_seq, seq) FROM audit_log WHERE request_id = ?)", f.RequestID)
	}
	return q.String(), args
}

// list returns up to n matching records older than before.
func (s *Store) list(ctx context.Context, f audit.Filter, before int64, n int) ([]audit.Record, error) {
	lo, hi, ok, err := s.bounds(ctx, f, before)
	if err != nil || !ok {
		return nil, err
	}
	cond, args := where(f, lo, hi)
	if seqs, rare, err := s.rarePrefix(ctx, f, lo, hi); err != nil {
		return nil, err
	} else if rare {
		return s.listSeqs(ctx, cond, args, seqs, n) // prefix.go
	}
	if f.Outcome == "" || inlineOutcome(f) {
		args = append(args, n)
		return s.query(ctx, recordSelect+cond+" ORDER BY i.seq DESC LIMIT $"+strconv.Itoa(len(args)), args...)
	}
	// An intent's outcome is on its result row, or is "unknown" by the
	// result's absence: neither is a column of the intent, so no index on
	// the intent row can answer it. Instead walk the candidates, newest
	// first, from the outcome index (and audit_open for "unknown"), in
	// growing chunks, and apply the other filters to each chunk.
	var out []audit.Record
	cursor, chunk := hi, n
	for len(out) < n {
		cands, err := s.candidates(ctx, f.Outcome, lo, cursor, chunk)
		if err != nil || len(cands) == 0 {
			return out, err
		}
		recs, err := s.recordsIn(ctx, cond, args, cands)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Outcome() == f.Outcome && len(out) < n {
				out = append(out, r)
			}
		}
		if len(cands) < chunk {
			break
		}
		cursor = cands[len(cands)-1].(int64)
		chunk = min(chunk*2, maxChunk)
	}
	return out, nil
}

// inlineOutcome says whether to check the outcome per record in SQL, on the
// rows another filter's index yields, rather than drive the scan from the
// outcome index. With a room, actor, action, job or request id the rows of
// that filter are few next to the rows of one outcome ("ok" is most of the
// log), so walking them is the shorter way to a page.
func inlineOutcome(f audit.Filter) bool {
	return f.Outcome != "" && (f.RoomID != "" || f.Actor != "" || f.Action != "" || f.JobID != "" || f.RequestID != "")
}

// candidates returns up to n record seqs in [lo, hi) whose effective outcome
// is outcome, newest first.
func (s *Store) candidates(ctx context.Context, outcome string, lo, hi int64, n int) ([]any, error) {
	seqs, err := s.seqs(ctx, `SELECT COALESCE(intent_seq, seq) FROM audit_log
		WHERE outcome = $1 AND kind <> 'intent' AND COALESCE(intent_seq, seq) >= $2 AND COALESCE(intent_seq, seq) < $3
		ORDER BY COALESCE(intent_seq, seq) DESC LIMIT $4`, outcome, lo, hi, n)
	if err != nil || outcome != audit.OutcomeUnknown {
		return seqs, err
	}
	open, err := s.seqs(ctx, `SELECT seq FROM audit_open WHERE seq >= $1 AND seq < $2
		ORDER BY seq DESC LIMIT $3`, lo, hi, n)
	if err != nil {
		return nil, err
	}
	return mergeDesc(seqs, open, n), nil
}

func (s *Store) seqs(ctx context.Context, q string, args ...any) ([]any, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// mergeDesc merges two descending lists of int64 into the n largest, no
// duplicates.
func mergeDesc(a, b []any, n int) []any {
	out := make([]any, 0, min(n, len(a)+len(b)))
	for len(out) < n && (len(a) > 0 || len(b) > 0) {
		var v int64
		switch {
		case len(b) == 0 || (len(a) > 0 && a[0].(int64) >= b[0].(int64)):
			v, a = a[0].(int64), a[1:]
		default:
			v, b = b[0].(int64), b[1:]
		}
		if len(out) == 0 || out[len(out)-1].(int64) != v {
			out = append(out, v)
		}
	}
	return out
}

// placeholders returns "$k+1, ..., $k+n".
func placeholders(k, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(k+i))
	}
	return b.String()
}
