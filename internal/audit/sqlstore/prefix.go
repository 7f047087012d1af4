package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// A room or operator filter matches by prefix, which no index answers as
// such: List walks the log newest first until it has a page. For a prefix
// with many rows that is quick, and for one with a handful (a room edited
// twice in a year, the usual question) it was the whole log: 63 ms at
// 200,000 rows, growing with the log (docs/BENCHMARKS.md, figure 3). So
// List first reads the prefix's range of the name's index, ordered by
// bytes (SQLite's BINARY; on PostgreSQL the "C" collation of the
// audit_log_*_prefix indexes, migration 0026), stopping after rareRows
// rows: when there are no more, those rows are the candidates.

// rareRows is how many rows a prefix may have for List to look them up
// through the name's index instead of walking the log.
var rareRows = 2000

// rarePrefix returns, newest first, the seqs in [lo, hi) of the rows whose
// room (or, with no room filter, operator) starts with the filter's value,
// when the whole log has at most rareRows of them; ok is false otherwise,
// or with neither filter.
func (s *Store) rarePrefix(ctx context.Context, f audit.Filter, lo, hi int64) (seqs []any, ok bool, err error) {
	col, p := "room_id", f.RoomID
	if p == "" {
		col, p = "actor", f.Actor
	}
	if p == "" || rareRows <= 0 {
		return nil, false, nil
	}
	if s.db.Dialect == db.Postgres {
		col += ` COLLATE "C"`
	}
	q, args := "SELECT seq FROM audit_log WHERE "+col+" >= $1", []any{p}
	if end, ok := prefixEnd(p); ok {
		args = append(args, end)
		q += " AND " + col + " < $2"
	}
	// The LIMIT bounds the index entries read, whatever the page: a prefix
	// with more rows in the whole log is walked, even on a page where few
	// of them fall (a seq bound on this range would not narrow its seek,
	// only filter every entry of the prefix).
	args = append(args, rareRows+1)
	all, err := s.seqs(ctx, q+" LIMIT $"+strconv.Itoa(len(args)), args...)
	if err != nil || len(all) > rareRows {
		return nil, false, err
	}
	for _, v := range all {
		if seq := v.(int64); seq >= lo && seq < hi {
			seqs = append(seqs, v)
		}
	}
	slices.SortFunc(seqs, func(a, b any) int { return cmp.Compare(b.(int64), a.(int64)) })
	return seqs, true, nil
}

// prefixEnd is the least string above every string that starts with p in
// byte order: p with its last character one code point higher. ok is
// false when there is none (p ends in U+10FFFF or in broken UTF-8).
func prefixEnd(p string) (string, bool) {
	r, size := utf8.DecodeLastRuneInString(p)
	if r == utf8.RuneError && size <= 1 {
		return "", false
	}
	next := r + 1
	if next >= 0xD800 && next <= 0xDFFF { // surrogates are not characters
		next = 0xE000
	}
	if next > utf8.MaxRune {
		return "", false
	}
	return p[:len(p)-size] + string(next), true
}

// recordsIn returns the records among seqs that match cond (with its
// args), newest first: list's outcome walk and the rare-prefix lookup both
// end here.
func (s *Store) recordsIn(ctx context.Context, cond string, args, seqs []any) ([]audit.Record, error) {
	q := recordSelect + cond + " AND i.seq IN (" + placeholders(len(args), len(seqs)) + ") ORDER BY i.seq DESC"
	return s.query(ctx, q, append(args[:len(args):len(args)], seqs...)...)
}

// listSeqs is list over the candidate seqs (newest first): the records
// among them that match cond, a chunk of seqs at a time.
func (s *Store) listSeqs(ctx context.Context, cond string, args, seqs []any, n int) ([]audit.Record, error) {
	const chunk = 500
	var out []audit.Record
	for len(seqs) > 0 && len(out) < n {
		c := seqs[:min(len(seqs), chunk)]
		seqs = seqs[len(c):]
		recs, err := s.recordsIn(ctx, cond, args, c)
		if err != nil {
			return nil, err
		}
		out = append(out, recs[:min(len(recs), n-len(out))]...)
	}
	return out, nil
}
