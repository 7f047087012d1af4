package sqlstore

import (
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// columns is audit_log's column list in insert order; canonical order too.
var columns = []string{
	"seq", "at_us", "kind", "intent_seq", "actor", "actor_role", "client_ip",
	"user_agent", "action", "room_id", "job_id", "changes", "request_body",
	"response_body", "action_status", "error_code", "error_info", "request_id",
	"outcome", "attempts", "latency_ms", "detail", "app", "prev_hash", "hash",
}

// Columns lists audit_log's columns in the order Row gives their values.
// Bulk loaders (make bench) that write rows without Append use the two, so
// the mapping from Entry to row lives in one place.
func Columns() []string { return slices.Clone(columns) }

// Row is e's column values in Columns order, exactly as Append stores them.
func Row(e *audit.Entry) []any { return values(e) }

// cols returns the column list with each name prefixed by alias + ".".
func cols(alias string) string {
	if alias == "" {
		return strings.Join(columns, ", ")
	}
	return alias + "." + strings.Join(columns, ", "+alias+".")
}

// raw holds one row as scanned. Every field is nullable so the same struct
// scans the LEFT JOINed result side, which is all NULL when there is none.
type raw struct {
	seq, at, intentSeq, errCode, attempts, latency sql.NullInt64

	kind, actor, role, ip, ua, action, room, job, changes, reqBody, respBody,
	status, errInfo, reqID, outcome, detail, app, prev, hash sql.NullString
}

func (r *raw) dest() []any {
	return []any{&r.seq, &r.at, &r.kind, &r.intentSeq, &r.actor, &r.role, &r.ip,
		&r.ua, &r.action, &r.room, &r.job, &r.changes, &r.reqBody,
		&r.respBody, &r.status, &r.errCode, &r.errInfo, &r.reqID,
		&r.outcome, &r.attempts, &r.latency, &r.detail, &r.app, &r.prev, &r.hash}
}

// entry converts a scanned row. The error is about an unreadable changes
// column, which only a hand-edited row can have.
func (r *raw) entry() (audit.Entry, error) {
	cs, err := audit.ParseChanges(r.changes.String)
	e := audit.Entry{
		Seq:          r.seq.Int64,
		Time:         time.UnixMicro(r.at.Int64).UTC(),
		Kind:         audit.Kind(r.kind.String),
		IntentSeq:    r.intentSeq.Int64,
		Actor:        r.actor.String,
		ActorRole:    r.role.String,
		ClientIP:     r.ip.String,
		UserAgent:    r.ua.String,
		Action:       r.action.String,
		RoomID:       r.room.String,
		JobID:        r.job.String,
		Changes:      cs,
		RequestBody:  r.reqBody.String,
		ResponseBody: r.respBody.String,
		ActionStatus: r.status.String,
		ErrorCode:    int(r.errCode.Int64),
		ErrorInfo:    r.errInfo.String,
		RequestID:    r.reqID.String,
		Outcome:      r.outcome.String,
		Attempts:     int(r.attempts.Int64),
		LatencyMS:    r.latency.Int64,
		Detail:       r.detail.String,
		App:          r.app.String,
		PrevHash:     r.prev.String,
		Hash:         r.hash.String,
	}
	return e, err
}

// values is e as insert arguments, in column order. intent_seq is NULL for
// rows that are not results (the schema's CHECK relies on it).
func values(e *audit.Entry) []any {
	var intent any
	if e.Kind == audit.KindResult {
		intent = e.IntentSeq
	}
	return []any{e.Seq, e.Time.UnixMicro(), string(e.Kind), intent, e.Actor,
		e.ActorRole, e.ClientIP, e.UserAgent, e.Action, e.RoomID, e.JobID,
		string(audit.AppendChanges(nil, e.Changes)), e.RequestBody,
		e.ResponseBody, e.ActionStatus, int64(e.ErrorCode), e.ErrorInfo,
		e.RequestID, e.Outcome, int64(e.Attempts), e.LatencyMS, e.Detail,
		e.App, e.PrevHash, e.Hash}
}

// recordScanner scans records reusing its destinations: an export reads
// a million rows through one.
type recordScanner struct {
	a, b raw
	dest []any
}

func (sc *recordScanner) scan(rows *sql.Rows) (audit.Record, error) {
	if sc.dest == nil {
		sc.dest = append(sc.a.dest(), sc.b.dest()...)
	}
	sc.b = raw{} // LEFT JOIN: NULLs must not keep the last row's values
	if err := rows.Scan(sc.dest...); err != nil {
		return audit.Record{}, err
	}
	return record(&sc.a, &sc.b)
}

// record builds a record from the scanned intent-or-event and result sides.
func record(a, b *raw) (audit.Record, error) {
	e, err := a.entry()
	if err != nil {
		return audit.Record{}, err
	}
	rec := audit.Record{Entry: e}
	if b.seq.Valid {
		res, err := b.entry()
		if err != nil {
			return audit.Record{}, err
		}
		rec.Result = &res
	}
	return rec, nil
}

// scanRecord reads one row of recordSelect: the intent or event, then its
// result's columns (all NULL when there is none).
func scanRecord(rows *sql.Rows) (audit.Record, error) {
	var a, b raw
	if err := rows.Scan(append(a.dest(), b.dest()...)...); err != nil {
		return audit.Record{}, err
	}
	return record(&a, &b)
}

// recordSelect yields records: intent and event rows with the result row,
// if any, joined on through the unique intent_seq index. Records are picked
// by kind, not by "intent_seq IS NULL": that would let SQLite's planner use
// the intent_seq index for half the table instead of the filter's index.
var recordSelect = "SELECT " + cols("i") + ", " + cols("r") +
	" FROM audit_log i LEFT JOIN audit_log r ON r.intent_seq = i.seq" +
	" WHERE i.kind <> 'result'"
