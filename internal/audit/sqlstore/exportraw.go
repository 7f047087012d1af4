package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

var _ audit.RawExporter = (*Store)(nil)

// rawColumns are the columns the CSV export reads from a record's row,
// with each name prefixed by p: all but the request and response bodies
// and prev_hash, which it does not show and which are most of a row's
// bytes. With onlyOutcome, a result row gives NULL for all but its kind,
// intent_seq and outcome columns, the only ones the export uses from it:
// a NULL costs the driver no string.
func rawColumns(p string, onlyOutcome bool) string {
	var b strings.Builder
	for i, c := range []string{"seq", "at_us", "kind", "intent_seq", "actor", "actor_role", "action", "room_id",
		"client_ip", "user_agent", "job_id", "app", "hash", "changes"} {
		if i > 0 {
			b.WriteString(", ")
		}
		switch {
		case c == "intent_seq":
			b.WriteString("COALESCE(" + p + c + ", 0)")
		case onlyOutcome && c != "seq" && c != "kind":
			b.WriteString("CASE WHEN " + p + "kind = 'result' THEN NULL ELSE " + p + c + " END")
		default:
			b.WriteString(p + c)
		}
	}
	return b.String() + ", " + outcomeColumns(p)
}

// outcomeColumns are a row's RawOutcome.
func outcomeColumns(p string) string {
	return p + "action_status, " + p + "error_info, " + p + "request_id, " + p + "outcome, " +
		p + "detail, " + p + "error_code, " + p + "attempts, " + p + "latency_ms"
}

// PairedExportQuery is the query a whole-log CSV export streams (see
// exportPaired), with the columns apart: make bench has the database's own
// CSV dump run it, so the two read the same rows and columns. (On SQLite
// the export reads the text columns packed into one, packedColumns.)
func PairedExportQuery() string {
	return "SELECT " + rawColumns("", true) + " FROM audit_log ORDER BY seq DESC"
}

// maxHeld bounds the results an export holds while it waits for their
// intents (see exportPaired). A result normally follows its intent within
// a few rows (as many as edits run at once), so the bound is only reached
// by a pathological log, and then costs one lookup per intent.
var maxHeld = 4096

// ExportRaw streams every record matching f, newest first, as the CSV
// export reads them. The whole log, or a time range, is one pass over
// audit_log in seq order with no join (exportPaired); other filters use
// the record join, as List does.
func (s *Store) ExportRaw(ctx context.Context, f audit.Filter, fn func(*audit.RawRecord) error) error {
	lo, hi, ok, err := s.bounds(ctx, f, 0)
	if err != nil || !ok {
		return err
	}
	if f == (audit.Filter{From: f.From, To: f.To}) {
		err = s.exportPaired(ctx, lo, hi, fn)
	} else {
		err = s.exportJoined(ctx, f, lo, hi, fn)
	}
	if err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	return nil
}

// rawScanner scans one row's rawColumns into reused buffers.
type rawScanner struct {
	rec       audit.RawRecord
	intentSeq int64
	ints      [3]any // seq, at_us, intent_seq
	oi        [3]any
	dest      []any
}

func newRawScanner() *rawScanner {
	sc := &rawScanner{}
	r := &sc.rec
	sc.dest = []any{&sc.ints[0], &sc.ints[1], (*sql.RawBytes)(&r.Kind), &sc.ints[2],
		(*sql.RawBytes)(&r.Actor), (*sql.RawBytes)(&r.ActorRole), (*sql.RawBytes)(&r.Action),
		(*sql.RawBytes)(&r.RoomID), (*sql.RawBytes)(&r.ClientIP), (*sql.RawBytes)(&r.UserAgent),
		(*sql.RawBytes)(&r.JobID), (*sql.RawBytes)(&r.App), (*sql.RawBytes)(&r.Hash),
		(*sql.RawBytes)(&r.Changes)}
	sc.dest = append(sc.dest, outcomeDest(&r.Own, &sc.oi)...)
	return sc
}

// outcomeDest is the scan destinations of outcomeColumns; the integers go
// through ints (see setInts).
func outcomeDest(o *audit.RawOutcome, ints *[3]any) []any {
	return []any{(*sql.RawBytes)(&o.ActionStatus), (*sql.RawBytes)(&o.ErrorInfo),
		(*sql.RawBytes)(&o.RequestID), (*sql.RawBytes)(&o.Outcome), (*sql.RawBytes)(&o.Detail),
		&ints[0], &ints[1], &ints[2]}
}

func setInts(o *audit.RawOutcome, ints *[3]any) error {
	var err error
	if o.ErrorCode, err = toInt(ints[0]); err != nil {
		return err
	}
	if o.Attempts, err = toInt(ints[1]); err != nil {
		return err
	}
	o.LatencyMS, err = toInt(ints[2])
	return err
}

func (sc *rawScanner) scan(rows *sql.Rows) error {
	if err := rows.Scan(sc.dest...); err != nil {
		return err
	}
	return sc.finish()
}

// finish converts the integer columns just scanned.
func (sc *rawScanner) finish() error {
	var err error
	r := &sc.rec
	if r.Seq, err = toInt(sc.ints[0]); err != nil {
		return err
	}
	if r.AtUS, err = toInt(sc.ints[1]); err != nil {
		return err
	}
	if sc.intentSeq, err = toInt(sc.ints[2]); err != nil {
		return err
	}
	return setInts(&r.Own, &sc.oi)
}

// toInt reads an integer column as the drivers give it (NULL is 0).
func toInt(v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	case nil:
		return 0, nil
	case []byte:
		return strconv.ParseInt(string(v), 10, 64)
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("integer column holds %T", v)
}

// exportPaired streams the records of the seq range [lo, hi) from one scan
// of audit_log, newest first (see pairer). On SQLite each row's text
// columns come packed into one (exportpacked.go).
func (s *Store) exportPaired(ctx context.Context, lo, hi int64, fn func(*audit.RawRecord) error) error {
	packed := s.db.Dialect == db.SQLite
	q := "SELECT " + rawColumns("", true) + " FROM audit_log"
	if packed {
		q = "SELECT " + packedColumns + " FROM audit_log"
	}
	var args []any
	switch { // bounds only when they bound something (see whereInline)
	case lo > 1 && hi < math.MaxInt64:
		q, args = q+" WHERE seq >= $1 AND seq < $2", []any{lo, hi}
	case lo > 1:
		q, args = q+" WHERE seq >= $1", []any{lo}
	case hi < math.MaxInt64:
		q, args = q+" WHERE seq < $1", []any{hi}
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY seq DESC", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	sc := newRawScanner()
	var pk packedScanner
	p := pairer{s: s, lo: lo, lookup: hi < math.MaxInt64, held: map[int64]*audit.RawOutcome{}, fn: fn}
	for rows.Next() {
		if !packed {
			if err := sc.scan(rows); err != nil {
				return err
			}
			if err := p.take(ctx, &sc.rec, sc.intentSeq); err != nil {
				return err
			}
			continue
		}
		ok, err := pk.scan(rows)
		if err != nil {
			return err
		}
		if !ok { // a NUL in a column (never appended): read the row as columns
			err = s.rowAlone(ctx, pk.rec.Seq, func(r *audit.RawRecord, intentSeq int64) error {
				return p.take(ctx, r, intentSeq)
			})
		} else {
			err = p.take(ctx, &pk.rec, pk.intentSeq)
		}
		if err != nil {
			return err
		}
	}
	return rows.Err()
}

// pairer turns the rows of a backward scan into records. A result row
// comes after its intent, so going backwards it is met first: it is copied
// and held until its intent arrives. An intent with no held result has
// none in the scan's snapshot when the range reaches the head and nothing
// was let go; otherwise (a result written after hi, a result not held
// because maxHeld were) its result is looked up by the intent_seq index.
// Results of intents before lo belong to records outside the range and are
// skipped.
type pairer struct {
	s      *Store
	lo     int64
	lookup bool
	held   map[int64]*audit.RawOutcome
	free   []*audit.RawOutcome
	looked audit.RawOutcome
	fn     func(*audit.RawRecord) error
}

func (p *pairer) take(ctx context.Context, r *audit.RawRecord, intentSeq int64) error {
	switch string(r.Kind) {
	case string(audit.KindResult):
		if intentSeq < p.lo {
			return nil
		}
		if len(p.held) >= maxHeld {
			p.lookup = true
			return nil
		}
		var o *audit.RawOutcome
		if n := len(p.free); n > 0 {
			o, p.free = p.free[n-1], p.free[:n-1]
		} else {
			o = &audit.RawOutcome{}
		}
		copyOutcome(o, &r.Own)
		p.held[intentSeq] = o
		return nil
	case string(audit.KindIntent):
		r.Result = p.held[r.Seq]
		if r.Result != nil {
			delete(p.held, r.Seq)
			p.free = append(p.free, r.Result)
		} else if p.lookup {
			found, err := p.s.resultOf(ctx, r.Seq, &p.looked)
			if err != nil {
				return err
			}
			if found {
				r.Result = &p.looked
			}
		}
	default:
		r.Result = nil
	}
	err := p.fn(r)
	r.Result = nil
	return err
}

// copyOutcome copies src into dst, reusing dst's buffers: src's bytes are
// the driver's, valid until the next row.
func copyOutcome(dst, src *audit.RawOutcome) {
	dst.ActionStatus = append(dst.ActionStatus[:0], src.ActionStatus...)
	dst.ErrorInfo = append(dst.ErrorInfo[:0], src.ErrorInfo...)
	dst.RequestID = append(dst.RequestID[:0], src.RequestID...)
	dst.Outcome = append(dst.Outcome[:0], src.Outcome...)
	dst.Detail = append(dst.Detail[:0], src.Detail...)
	dst.ErrorCode, dst.Attempts, dst.LatencyMS = src.ErrorCode, src.Attempts, src.LatencyMS
}

// resultOf reads the result of intent seq into o, if there is one.
func (s *Store) resultOf(ctx context.Context, seq int64, o *audit.RawOutcome) (bool, error) {
	var ints [3]any
	var got audit.RawOutcome
	err := s.db.QueryRowContext(ctx, "SELECT "+outcomeColumns("")+" FROM audit_log WHERE intent_seq = $1", seq).
		Scan(outcomeDestCopy(&got, &ints)...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := setInts(&got, &ints); err != nil {
		return false, err
	}
	copyOutcome(o, &got)
	return true, nil
}

// outcomeDestCopy is outcomeDest into []byte (QueryRow closes its rows
// before returning, so RawBytes would not survive).
func outcomeDestCopy(o *audit.RawOutcome, ints *[3]any) []any {
	return []any{&o.ActionStatus, &o.ErrorInfo, &o.RequestID, &o.Outcome, &o.Detail,
		&ints[0], &ints[1], &ints[2]}
}

// exportJoined streams the records matching f through the record join.
func (s *Store) exportJoined(ctx context.Context, f audit.Filter, lo, hi int64, fn func(*audit.RawRecord) error) error {
	cond, args := whereInline(f, lo, hi, true)
	q := "SELECT " + rawColumns("i.", false) + ", r.seq, " + outcomeColumns("r.") +
		" FROM audit_log i LEFT JOIN audit_log r ON r.intent_seq = i.seq WHERE i.kind <> 'result'" +
		cond + " ORDER BY i.seq DESC"
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	sc := newRawScanner()
	var res audit.RawOutcome
	var rSeq any
	var rInts [3]any
	dest := append(append(sc.dest[:len(sc.dest):len(sc.dest)], &rSeq), outcomeDest(&res, &rInts)...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := sc.finish(); err != nil {
			return err
		}
		sc.rec.Result = nil
		if rSeq != nil {
			if err := setInts(&res, &rInts); err != nil {
				return err
			}
			sc.rec.Result = &res
		}
		if err := fn(&sc.rec); err != nil {
			return err
		}
	}
	return rows.Err()
}
