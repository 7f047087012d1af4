package audit

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/safetext"
)

// RawRecord is one record as the CSV export needs it, as the database's
// bytes: a store that streams these (RawExporter) spares the export an
// Entry per row (a string per column, the changes parsed into structs).
// The slices are valid only during the callback that receives the record.
type RawRecord struct {
	Seq, AtUS                                                               int64
	Kind                                                                    []byte
	Actor, ActorRole, Action, RoomID, ClientIP, UserAgent, JobID, App, Hash []byte
	Changes                                                                 []byte // the stored JSON (AppendChanges)
	Detail                                                                  []byte
	Own                                                                     RawOutcome  // the row's own outcome columns
	Result                                                                  *RawOutcome // an intent's result row, nil when there is none
}

// RawOutcome is the part of a row that says how it went.
type RawOutcome struct {
	ActionStatus, ErrorInfo, RequestID, Outcome, Detail []byte
	ErrorCode, Attempts, LatencyMS                      int64
}

// RawExporter is a Store that streams RawRecords: every record matching f,
// newest first, exactly the records Export would give, with the same
// contents. audit.Export writes CSV from it.
type RawExporter interface {
	ExportRaw(ctx context.Context, f Filter, fn func(*RawRecord) error) error
}

// rawCSV writes RawRecords as the same bytes CSVWriter writes for the
// equivalent Records (encoding/csv's quoting, LF line ends, every text
// cell neutralised), without a string per cell.
type rawCSV struct {
	bw   *bufio.Writer
	line []byte
	tmp  []byte // the joined detail
	chg  []byte // the formatted changes
}

// rawCSVBuffer is the writer's block: big enough that a counting or file
// writer sees few calls, small next to the 32 MB memory goal.
const rawCSVBuffer = 64 << 10

func newRawCSV(w io.Writer) *rawCSV {
	c := &rawCSV{bw: bufio.NewWriterSize(w, rawCSVBuffer)}
	for i, h := range CSVHeader {
		if i > 0 {
			c.line = append(c.line, ',')
		}
		c.line = appendCSVField(c.line, []byte(h), false)
	}
	c.line = append(c.line, '\n')
	return c
}

var (
	rawUnknown = []byte(OutcomeUnknown)
	rawIntent  = []byte(KindIntent)
	semi       = []byte("; ")
)

// Write writes one record (the first call after the header row).
func (c *rawCSV) Write(r *RawRecord) error {
	out, detail := &r.Own, r.Own.Detail
	if r.Result != nil {
		out = r.Result
		if len(out.Detail) > 0 { // csvRow: TrimPrefix(detail+"; "+result's, "; ")
			c.tmp = append(append(append(c.tmp[:0], detail...), semi...), out.Detail...)
			detail = c.tmp
			if len(detail) >= 2 && detail[0] == ';' && detail[1] == ' ' {
				detail = detail[2:]
			}
		}
	}
	outcome := r.Own.Outcome
	if string(r.Kind) == string(rawIntent) {
		outcome = rawUnknown
		if r.Result != nil {
			outcome = r.Result.Outcome
		}
	}
	changes, err := appendChangesText(c.chg[:0], r.Changes)
	if err != nil {
		return err
	}
	c.chg = changes
	b := c.line
	b = strconv.AppendInt(b, r.Seq, 10)
	b = append(b, ',')
	b = time.UnixMicro(r.AtUS).UTC().AppendFormat(b, time.RFC3339)
	for _, f := range [...][]byte{r.Actor, r.ActorRole, r.Action, r.RoomID, changes, outcome} {
		b = appendCSVField(append(b, ','), f, true)
	}
	b = append(b, ',')
	if out.ErrorCode != 0 || len(out.ActionStatus) > 0 {
		b = strconv.AppendInt(b, out.ErrorCode, 10)
	}
	b = appendCSVField(append(b, ','), out.ErrorInfo, true)
	b = appendCSVField(append(b, ','), out.RequestID, true)
	b = strconv.AppendInt(append(b, ','), out.Attempts, 10)
	b = strconv.AppendInt(append(b, ','), out.LatencyMS, 10)
	for _, f := range [...][]byte{r.ClientIP, r.UserAgent, r.JobID, detail, r.App} {
		b = appendCSVField(append(b, ','), f, true)
	}
	b = appendCSVField(append(b, ','), r.Hash, false)
	b = append(b, '\n')
	_, err = c.bw.Write(b)
	c.line = b[:0]
	return err
}

// Flush writes the header if nothing else was, and flushes.
func (c *rawCSV) Flush() error {
	if len(c.line) > 0 { // the header, still waiting
		if _, err := c.bw.Write(c.line); err != nil {
			return err
		}
		c.line = c.line[:0]
	}
	return c.bw.Flush()
}

// appendCSVField appends one cell as encoding/csv's Writer writes it (with
// UseCRLF off), after safetext.NeutraliseCell when neutralise is set.
func appendCSVField(b, f []byte, neutralise bool) []byte {
	quote := false
	if neutralise && len(f) > 0 && safetext.FormulaStart(f[0]) {
		// The quote goes first, so the cell never starts with a space
		// and is quoted only for the characters below.
		b = append(b, '\'')
		quote = needsQuotes(f, false)
		if !quote {
			return append(b, f...)
		}
		b[len(b)-1] = '"'
		b = append(b, '\'')
		return appendQuoted2(b, f)
	}
	if !needsQuotes(f, true) {
		return append(b, f...)
	}
	return appendQuoted2(append(b, '"'), f)
}

// needsQuotes is encoding/csv's fieldNeedsQuotes for a comma; first says
// whether f starts the cell (where a leading space needs quotes, and
// `\.` alone does).
func needsQuotes(f []byte, first bool) bool {
	if len(f) == 0 {
		return false
	}
	if first && len(f) == 2 && f[0] == '\\' && f[1] == '.' {
		return true
	}
	for _, c := range f {
		if c == '\n' || c == '\r' || c == '"' || c == ',' {
			return true
		}
	}
	if !first {
		return false
	}
	r, _ := utf8.DecodeRune(f)
	return unicode.IsSpace(r)
}

// appendQuoted2 appends f with quotes doubled and the closing quote (the
// opening one is already written).
func appendQuoted2(b, f []byte) []byte {
	for _, c := range f {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

// appendChangesText appends FormatChanges of the stored changes column
// without parsing it into Changes: AppendChanges' own output is read
// directly; anything else (a hand-edited row, an escape it never writes)
// goes through ParseChanges, so the text and the errors are the same.
func appendChangesText(b, raw []byte) ([]byte, error) {
	if out, ok := fastChangesText(b, raw); ok {
		return out, nil
	}
	cs, err := ParseChanges(string(raw))
	if err != nil {
		return nil, err
	}
	return append(b, FormatChanges(cs)...), nil
}

var (
	keyField  = []byte(`{"field":`)
	keyBefore = []byte(`,"before":`)
	keyAfter  = []byte(`,"after":`)
	arrow     = []byte(" → ")
)

// fastChangesText reads exactly AppendChanges' form; ok is false for any
// other input.
func fastChangesText(b, raw []byte) (out []byte, ok bool) {
	if len(raw) == 0 {
		return b, true
	}
	if !utf8.Valid(raw) || raw[0] != '[' || raw[len(raw)-1] != ']' {
		return b, false
	}
	p := raw[1 : len(raw)-1]
	for i := 0; len(p) > 0; i++ {
		if i > 0 {
			if p[0] != ',' {
				return b, false
			}
			p = p[1:]
			b = append(b, semi...)
		}
		for _, k := range [...]struct {
			key, sep []byte
		}{{keyField, nil}, {keyBefore, []byte(": ")}, {keyAfter, arrow}} {
			if len(p) < len(k.key) || string(p[:len(k.key)]) != string(k.key) {
				return b, false
			}
			b = append(b, k.sep...)
			if b, p, ok = unquote(b, p[len(k.key):]); !ok {
				return b, false
			}
		}
		if len(p) == 0 || p[0] != '}' {
			return b, false
		}
		p = p[1:]
	}
	return b, true
}

// unquote appends the JSON string at the start of p, decoded, and returns
// the rest of p. It knows appendQuoted's escapes only.
func unquote(b, p []byte) ([]byte, []byte, bool) {
	if len(p) == 0 || p[0] != '"' {
		return b, p, false
	}
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '"':
			return b, p[i+1:], true
		case c < 0x20:
			return b, p, false
		case c != '\\':
			b = append(b, c)
			continue
		}
		if i+1 >= len(p) {
			return b, p, false
		}
		i++
		switch p[i] {
		case '"', '\\':
			b = append(b, p[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u': // appendQuoted writes \u00xx for control characters only
			if i+4 >= len(p) || p[i+1] != '0' || p[i+2] != '0' {
				return b, p, false
			}
			hi, lo := unhex(p[i+3]), unhex(p[i+4])
			if hi < 0 || lo < 0 || hi > 1 {
				return b, p, false
			}
			b = append(b, byte(hi<<4|lo))
			i += 4
		default:
			return b, p, false
		}
	}
	return b, p, false
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
