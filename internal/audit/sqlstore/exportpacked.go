package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// modernc's SQLite driver makes each column cost three calls into SQLite,
// each taking the connection's mutex, and a Go string: per column, more than
// SQLite's own work to step to the next row. A whole-log export reads
// twenty columns of a million rows, so on SQLite it asks for the text
// columns packed into one, separated by NUL. No appended row holds a NUL
// (audit.Normalize replaces it), and a row that does (written by hand) has
// too many fields: it is read again by itself, column by column.

// packedText are the text columns packed, in this order: for a result row
// only its outcome columns (the export uses nothing else of it).
var (
	packedEntry   = []string{"actor", "actor_role", "action", "room_id", "client_ip", "user_agent", "job_id", "app", "hash", "changes"}
	packedOutcome = []string{"action_status", "error_info", "request_id", "outcome", "detail"}
)

var packedColumns = "seq, CASE WHEN kind = 'result' THEN NULL ELSE at_us END, kind, COALESCE(intent_seq, 0)," +
	" error_code, attempts, latency_ms, CASE WHEN kind = 'result' THEN " + strings.Join(packedOutcome, " || char(0) || ") +
	" ELSE " + strings.Join(append(packedEntry[:len(packedEntry):len(packedEntry)], packedOutcome...), " || char(0) || ") + " END"

// packedScanner scans rows of packedColumns.
type packedScanner struct {
	rec       audit.RawRecord
	intentSeq int64
	ints      [3]any // seq, at_us, intent_seq
	oi        [3]any
	text      sql.RawBytes
	fields    [][]byte
	dest      []any
}

// scan reads one row; ok is false when its text does not split into the
// fields its kind has.
func (sc *packedScanner) scan(rows *sql.Rows) (ok bool, err error) {
	r := &sc.rec
	if sc.dest == nil {
		sc.dest = []any{&sc.ints[0], &sc.ints[1], (*sql.RawBytes)(&r.Kind), &sc.ints[2],
			&sc.oi[0], &sc.oi[1], &sc.oi[2], &sc.text}
	}
	if err := rows.Scan(sc.dest...); err != nil {
		return false, err
	}
	if r.Seq, err = toInt(sc.ints[0]); err != nil {
		return false, err
	}
	if r.AtUS, err = toInt(sc.ints[1]); err != nil {
		return false, err
	}
	if sc.intentSeq, err = toInt(sc.ints[2]); err != nil {
		return false, err
	}
	if err := setInts(&r.Own, &sc.oi); err != nil {
		return false, err
	}
	sc.fields = sc.fields[:0]
	rest := []byte(sc.text)
	for {
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			sc.fields = append(sc.fields, rest)
			break
		}
		sc.fields = append(sc.fields, rest[:i])
		rest = rest[i+1:]
	}
	f := sc.fields
	if string(r.Kind) != string(audit.KindResult) {
		if len(f) != len(packedEntry)+len(packedOutcome) {
			return false, nil
		}
		r.Actor, r.ActorRole, r.Action, r.RoomID, r.ClientIP = f[0], f[1], f[2], f[3], f[4]
		r.UserAgent, r.JobID, r.App, r.Hash, r.Changes = f[5], f[6], f[7], f[8], f[9]
		f = f[len(packedEntry):]
	}
	if len(f) != len(packedOutcome) {
		return false, nil
	}
	o := &r.Own
	o.ActionStatus, o.ErrorInfo, o.RequestID, o.Outcome, o.Detail = f[0], f[1], f[2], f[3], f[4]
	return true, nil
}

// rowAlone reads row seq column by column and gives it to fn.
func (s *Store) rowAlone(ctx context.Context, seq int64, fn func(*audit.RawRecord, int64) error) error {
	rows, err := s.db.QueryContext(ctx, "SELECT "+rawColumns("", true)+" FROM audit_log WHERE seq = $1", seq)
	if err != nil {
		return err
	}
	defer rows.Close()
	sc := newRawScanner()
	for rows.Next() {
		if err := sc.scan(rows); err != nil {
			return err
		}
		if err := fn(&sc.rec, sc.intentSeq); err != nil {
			return err
		}
	}
	return rows.Err()
}
