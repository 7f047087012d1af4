package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/safetext"
)

// CSVHeader is the export's header row.
var CSVHeader = []string{"seq", "time", "actor", "role", "action", "room_id", "changes",
	"outcome", "error_code", "error_info", "request_id", "attempts", "latency_ms",
	"client_ip", "user_agent", "job_id", "detail", "app", "hash"}

// CSVWriter writes records as CSV (RFC 4180 quoting), one record per row, as
// they come: nothing is buffered beyond bufio's block. Records end in LF,
// not RFC 4180's CRLF: encoding/csv's CRLF mode drops a lone CR inside a
// field, and an audit export must not alter what was recorded.
// Call Flush at the end; an export with no records is still a header row.
type CSVWriter struct {
	w      *csv.Writer
	header bool
}

// NewCSVWriter returns a CSV export writer on w.
func NewCSVWriter(w io.Writer) *CSVWriter {
	return &CSVWriter{w: csv.NewWriter(w)}
}

// Write writes one record.
func (c *CSVWriter) Write(r Record) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	return c.w.Write(csvRow(r))
}

// Flush writes the header if nothing else was, and flushes.
func (c *CSVWriter) Flush() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

func (c *CSVWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.w.Write(CSVHeader)
}

func csvRow(r Record) []string {
	e, out := r.Entry, r.Entry // out: the row that says how it went
	detail := e.Detail
	if r.Result != nil {
		out = *r.Result
		if out.Detail != "" {
			detail = strings.TrimPrefix(detail+"; "+out.Detail, "; ")
		}
	}
	code := ""
	if out.ErrorCode != 0 || out.ActionStatus != "" {
		code = strconv.Itoa(out.ErrorCode)
	}
	// Numbers are ours and cannot start a formula; every text cell may hold
	// operator or Tencent input, so it is neutralised.
	t := safetext.NeutraliseCell
	return []string{
		strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339),
		t(e.Actor), t(e.ActorRole), t(e.Action), t(e.RoomID), t(FormatChanges(e.Changes)),
		t(r.Outcome()), code, t(out.ErrorInfo), t(out.RequestID),
		strconv.Itoa(out.Attempts), strconv.FormatInt(out.LatencyMS, 10),
		t(e.ClientIP), t(e.UserAgent), t(e.JobID), t(detail), t(e.App), e.Hash,
	}
}

// FormatChanges renders changes as "field: before → after; ...", values as
// their JSON text.
func FormatChanges(cs []Change) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.Field + ": " + c.Before + " → " + c.After)
	}
	return b.String()
}

// JSONLWriter writes records as JSON Lines: one JSON object per record per
// line, as they come.
type JSONLWriter struct {
	bw   *bufio.Writer
	line bytes.Buffer
	enc  *json.Encoder
}

// NewJSONLWriter returns a JSON Lines export writer on w.
func NewJSONLWriter(w io.Writer) *JSONLWriter {
	j := &JSONLWriter{bw: bufio.NewWriter(w)}
	j.enc = json.NewEncoder(&j.line)
	j.enc.SetEscapeHTML(false) // bodies stay readable; this is not HTML
	return j
}

// Write writes one record as one line.
func (j *JSONLWriter) Write(r Record) error {
	line := jsonRecord{Seq: r.Entry.Seq, Outcome: r.Outcome(), Entry: toJSON(r.Entry)}
	if r.Result != nil {
		res := toJSON(*r.Result)
		line.Result = &res
	}
	return j.write(line)
}

// WriteEntry writes one row on its own, as /audit/stream follows the log:
// the same line shape as Write, with the row as "entry", "result" null and
// the row's own outcome ("pending" on an intent, whose result row follows
// later with its intent_seq).
func (j *JSONLWriter) WriteEntry(e Entry) error {
	return j.write(jsonRecord{Seq: e.Seq, Outcome: e.Outcome, Entry: toJSON(e)})
}

func (j *JSONLWriter) write(line jsonRecord) error {
	j.line.Reset()
	if err := j.enc.Encode(line); err != nil {
		return err
	}
	// Control and bidi characters the encoder leaves raw become \u
	// escapes: the same values, nothing invisible in the file.
	_, err := j.bw.Write(safetext.EscapeJSON(j.line.Bytes()))
	return err
}

// Flush flushes buffered lines to the underlying writer.
func (j *JSONLWriter) Flush() error { return j.bw.Flush() }

type jsonRecord struct {
	Seq     int64      `json:"seq"`
	Outcome string     `json:"outcome"` // the record's effective outcome
	Entry   jsonEntry  `json:"entry"`
	Result  *jsonEntry `json:"result"`
}

// jsonEntry uses the canonical encoding's key names, plus the time as text.
type jsonEntry struct {
	Seq          int64    `json:"seq"`
	AtUS         int64    `json:"at_us"`
	Time         string   `json:"time"`
	Kind         Kind     `json:"kind"`
	IntentSeq    int64    `json:"intent_seq"`
	Actor        string   `json:"actor"`
	ActorRole    string   `json:"actor_role"`
	ClientIP     string   `json:"client_ip"`
	UserAgent    string   `json:"user_agent"`
	Action       string   `json:"action"`
	RoomID       string   `json:"room_id"`
	JobID        string   `json:"job_id"`
	Changes      []Change `json:"changes"`
	RequestBody  string   `json:"request_body"`
	ResponseBody string   `json:"response_body"`
	ActionStatus string   `json:"action_status"`
	ErrorCode    int      `json:"error_code"`
	ErrorInfo    string   `json:"error_info"`
	RequestID    string   `json:"request_id"`
	Outcome      string   `json:"outcome"`
	Attempts     int      `json:"attempts"`
	LatencyMS    int64    `json:"latency_ms"`
	Detail       string   `json:"detail"`
	App          string   `json:"app,omitempty"` // in the hash only when set
	PrevHash     string   `json:"prev_hash"`
	Hash         string   `json:"hash"`
	Proof        []string `json:"proof,omitempty"` // exports with proofs only
}

func toJSON(e Entry) jsonEntry {
	cs := e.Changes
	if cs == nil {
		cs = []Change{}
	}
	return jsonEntry{Seq: e.Seq, AtUS: e.Time.UnixMicro(), Time: e.Time.UTC().Format(time.RFC3339Nano),
		Kind: e.Kind, IntentSeq: e.IntentSeq, Actor: e.Actor, ActorRole: e.ActorRole,
		ClientIP: e.ClientIP, UserAgent: e.UserAgent, Action: e.Action, RoomID: e.RoomID,
		JobID: e.JobID, Changes: cs, RequestBody: e.RequestBody, ResponseBody: e.ResponseBody,
		ActionStatus: e.ActionStatus, ErrorCode: e.ErrorCode, ErrorInfo: e.ErrorInfo,
		RequestID: e.RequestID, Outcome: e.Outcome, Attempts: e.Attempts, LatencyMS: e.LatencyMS,
		Detail: e.Detail, App: e.App, PrevHash: e.PrevHash, Hash: e.Hash}
}

// RecordWriter is what both export writers are.
type RecordWriter interface {
	Write(Record) error
	Flush() error
}

// ExportTo streams every record of s matching f into rw, newest first, and
// flushes. Handlers and `roomdesk audit export` use it with either writer.
func ExportTo(ctx context.Context, s Store, f Filter, rw RecordWriter) error {
	if err := s.Export(ctx, f, rw.Write); err != nil {
		return err
	}
	return rw.Flush()
}

// flushEvery is how many records go out between flushes of a streamed
// export: often enough that a browser shows progress, rarely enough to
// cost nothing.
const flushEvery = 200

// Export streams the records matching f to w in format ("csv" or "jsonl")
// with this package's writers, newest first, and returns how many it
// wrote. flush, if set, is called after each flushEvery records (once the
// writer's buffer is pushed to w): the web export passes the response's
// Flush. The console's export and the CLI both come through here, so they
// produce the same bytes.
func Export(ctx context.Context, store Store, f Filter, format string, w io.Writer, flush func()) (int, error) {
	var rw RecordWriter
	switch format {
	case "csv":
		if rx, ok := store.(RawExporter); ok {
			return exportRawCSV(ctx, rx, f, w, flush)
		}
		rw = NewCSVWriter(w)
	case "jsonl":
		rw = NewJSONLWriter(w)
	default:
		return 0, fmt.Errorf("audit export: unknown format %q", format)
	}
	b := batches{w: rw, flush: flush}
	return b.end(store.Export(ctx, f, func(r Record) error {
		if err := rw.Write(r); err != nil {
			return err
		}
		return b.wrote()
	}))
}

// exportRawCSV is Export's CSV from a RawExporter: the same bytes as
// CSVWriter's, a record at a time.
func exportRawCSV(ctx context.Context, rx RawExporter, f Filter, w io.Writer, flush func()) (int, error) {
	c := newRawCSV(w)
	b := batches{w: c, flush: flush}
	return b.end(rx.ExportRaw(ctx, f, func(r *RawRecord) error {
		if err := c.Write(r); err != nil {
			return err
		}
		return b.wrote()
	}))
}

// batches counts the records an export writes, and pushes w's buffer out
// (then calls flush) after every flushEvery of them.
type batches struct {
	w     interface{ Flush() error }
	flush func()
	n     int
}

// wrote counts one record written.
func (b *batches) wrote() error {
	b.n++
	if b.flush == nil || b.n%flushEvery != 0 {
		return nil
	}
	if err := b.w.Flush(); err != nil {
		return err
	}
	b.flush()
	return nil
}

// end flushes what is left once the export ran (err its error) and says
// how many records went out.
func (b *batches) end(err error) (int, error) {
	if err == nil {
		err = b.w.Flush()
	}
	if err != nil {
		return b.n, fmt.Errorf("audit export: %w", err)
	}
	return b.n, nil
}
