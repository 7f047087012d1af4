package bulk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/rooms"
)

// MaxRooms bounds one job: at the default pacing that is under two hours.
const MaxRooms = 20000

// MaxInputBytes bounds the pasted list and the CSV file each (the form as a
// whole is held to 2 MB by the server's body limit).
const MaxInputBytes = 2 << 20

// maxLineErrors bounds how many bad lines a preview lists one by one.
const maxLineErrors = 200

// Input is what the operator submitted on /bulk.
type Input struct {
	// Selected are the rooms ticked on the room list, one RoomId each.
	Selected []string
	// RoomIDs is the pasted list: RoomIds separated by newlines or commas.
	RoomIDs string
	// CSV is an uploaded file with a RoomId column and, optionally, columns
	// named like the API fields holding per-room values.
	CSV     []byte
	CSVName string
	// Change lists the fields the operator ticked "change this field" for;
	// Values holds the form's inputs, named after the API fields. A
	// closed-choice field (rooms.Choices: booleans, the seat mode) changes
	// exactly when its value is not empty, ticked or not: the form's select
	// starts at "no change" (""), which must never read as false.
	Change []string
	Values rooms.Form
}

// Row is one room of a plan.
type Row struct {
	Line   int // line of the CSV or of the pasted list; for messages
	RoomID string
	// Fields is every field this room gets: the job's, then its CSV cells.
	// Rows without CSV cells share the plan's Common map: read-only.
	Fields rooms.Form
	// Original and Note: see Item (a revert job sets them; CSV rows do not).
	Original rooms.Form
	Note     string
	src      string
}

// Plan is a validated bulk edit, ready to become a job.
type Plan struct {
	Source string     // where the rooms came from, for the job list
	From   From       // the same, counted, for pages to say in words
	Common rooms.Form // the ticked fields and their values
	Rows   []Row
}

// From says how many rooms of a plan came from where.
type From struct {
	Selected int    // ticked on the room list
	Pasted   int    // the pasted list
	CSV      int    // the uploaded file
	CSVName  string // its name
}

// LineError is one bad line of the input.
type LineError struct {
	Source  string // "CSV" or "pasted list"
	Line    int
	RoomID  string
	Message string
}

// Problems is everything that stops a plan from running. Nothing runs
// while any of it is non-empty.
type Problems struct {
	Fields  rooms.FieldErrors // the common field values
	Lines   []LineError       // bad lines, at most maxLineErrors of them
	More    int               // bad lines beyond those listed
	General []string          // no rooms, nothing ticked, too many rooms...
}

// Any reports whether there is a problem.
func (p Problems) Any() bool {
	return len(p.Fields) > 0 || len(p.Lines) > 0 || len(p.General) > 0
}

func (p *Problems) line(e LineError) {
	if len(p.Lines) < maxLineErrors {
		p.Lines = append(p.Lines, e)
		return
	}
	p.More++
}

// Parse turns the submitted input into a plan, or says what is wrong with
// it, line by line. Values are held to the single edit's rules (Validate).
func Parse(in Input) (Plan, Problems) {
	var probs Problems
	common := rooms.Form{}
	ticked := map[string]bool{}
	for _, f := range in.Change {
		ticked[f] = true
	}
	for _, f := range rooms.Fields {
		change := ticked[f]
		if rooms.Choices(f) != nil { // "no change" is the empty choice, ticked or not
			change = strings.TrimSpace(in.Values.Get(f)) != ""
		}
		if change {
			common[f] = rooms.Read(f, in.Values[f]) // only what Validate reads is kept
			if len(common[f]) == 0 && f != rooms.FieldCategory {
				common[f] = []string{""}
			}
		}
	}
	if _, errs := rooms.Validate(common); len(errs) > 0 {
		probs.Fields = errs
	}
	plan := Plan{Common: common}
	// Bound the work before doing any: a 2 MB paste is 300,000 short ids,
	// and building a row (and a map) for each before counting them took
	// the process from 40 MB to 700 MB. Counting allocates nothing.
	if msg := tooBig(in); msg != "" {
		probs.General = append(probs.General, msg)
		return plan, probs
	}
	seen := map[string]int{} // RoomId → index in plan.Rows
	var sources []string

	if len(in.Selected) > 0 {
		n := len(plan.Rows)
		pasted(strings.Join(in.Selected, "\n"), srcSelected, common, &plan, &probs, seen)
		plan.From.Selected = len(plan.Rows) - n
		sources = append(sources, fmt.Sprintf("%d selected", plan.From.Selected))
	}
	if strings.TrimSpace(in.RoomIDs) != "" {
		n := len(plan.Rows)
		pasted(in.RoomIDs, srcPasted, common, &plan, &probs, seen)
		plan.From.Pasted = len(plan.Rows) - n
		sources = append(sources, fmt.Sprintf("%d pasted", plan.From.Pasted))
	}
	if len(bytes.TrimSpace(in.CSV)) > 0 {
		n := len(plan.Rows)
		parseCSV(in.CSV, common, &plan, &probs, seen)
		name := in.CSVName
		if name == "" {
			name = "CSV"
		}
		plan.From.CSV, plan.From.CSVName = len(plan.Rows)-n, name
		sources = append(sources, fmt.Sprintf("%d from %s", len(plan.Rows)-n, name))
	}
	plan.Source = strings.Join(sources, ", ")
	switch {
	case len(plan.Rows) == 0 && len(probs.Lines) == 0:
		probs.General = append(probs.General, "Choose the rooms: tick them on the room list, paste RoomIds, or upload a CSV with a RoomId column.")
	case len(plan.Rows) > MaxRooms:
		probs.General = append(probs.General, fmt.Sprintf("%d rooms is more than one job takes (%d); split the list.", len(plan.Rows), MaxRooms))
	}
	if len(common) == 0 && len(plan.Rows) > 0 {
		if !anyRowFields(plan.Rows) {
			probs.General = append(probs.General, `Tick "change this field" for at least one field (or give per-room values in CSV columns).`)
		} else {
			for _, r := range plan.Rows {
				if len(r.Fields) == 0 {
					probs.line(LineError{Source: r.src, Line: r.Line, RoomID: r.RoomID,
						Message: "Nothing to change for this room: no field is ticked above and it has no CSV values."})
				}
			}
		}
	}
	return plan, probs
}

func anyRowFields(rows []Row) bool {
	for _, r := range rows {
		if len(r.Fields) > 0 {
			return true
		}
	}
	return false
}

// tooBig says why the input is refused unread, or "" when it may be
// parsed: over MaxInputBytes, or more RoomIds (pasted items plus CSV lines
// after the header) than MaxRooms.
func tooBig(in Input) string {
	if len(in.RoomIDs) > MaxInputBytes || len(in.CSV) > MaxInputBytes {
		return fmt.Sprintf("The list of rooms is over %d MB; split it into several jobs.", MaxInputBytes>>20)
	}
	n := countItems(in.RoomIDs) + len(in.Selected)
	if lines := bytes.Count(in.CSV, []byte{'\n'}); len(bytes.TrimSpace(in.CSV)) > 0 {
		n += lines // header excluded, last line without \n included
	}
	if n > MaxRooms {
		return fmt.Sprintf("%d rooms is more than one job takes (%d); split the list.", n, MaxRooms)
	}
	return ""
}

// countItems counts the non-blank items of a pasted list (newline or comma
// separated) without allocating.
func countItems(text string) int {
	n, blank := 0, true
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\n', ',':
			if !blank {
				n++
			}
			blank = true
		case ' ', '\t', '\r':
		default:
			blank = false
		}
	}
	if !blank {
		n++
	}
	return n
}

// Where a line error's room came from (LineError.Source).
const (
	srcPasted   = "pasted list"
	srcSelected = "selected rooms"
)

// pasted reads RoomIds separated by newlines or commas (src says which
// list). A RoomId given twice is one room.
func pasted(text, src string, common rooms.Form, plan *Plan, probs *Problems, seen map[string]int) {
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		for _, id := range strings.Split(line, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if msg := rooms.ValidateRoomID(id); msg != "" {
				probs.line(LineError{Source: src, Line: i + 1, RoomID: clip(id), Message: msg})
				continue
			}
			if _, dup := seen[id]; dup {
				continue
			}
			seen[id] = len(plan.Rows)
			// One map shared by every pasted row: nothing writes to it.
			plan.Rows = append(plan.Rows, Row{Line: i + 1, RoomID: id, Fields: common, src: src})
		}
	}
}

func clone(f rooms.Form) rooms.Form {
	out := make(rooms.Form, len(f))
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= 48 {
		return s
	}
	return string([]rune(s)[:48]) + "…"
}

// Digest identifies the plan's content: the preview shows it and the start
// request carries it back, so what runs is exactly what was previewed.
func (p Plan) Digest() string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	_ = enc.Encode(p.Common) // maps encode with sorted keys
	for _, r := range p.Rows {
		_ = enc.Encode([]any{r.RoomID, r.Fields})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Columns are the fields some row sets to something other than the common
// change (per-room CSV values), in form order.
func (p Plan) Columns() []string {
	seen := map[string]bool{}
	for _, r := range p.Rows {
		for f, v := range r.Fields {
			if c, common := p.Common[f]; !common || strings.Join(c, "\x00") != strings.Join(v, "\x00") {
				seen[f] = true
			}
		}
	}
	var out []string
	for _, f := range rooms.Fields {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out
}
