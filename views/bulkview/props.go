// Package bulkview draws the bulk edit pages: the form with its preview,
// the list of recent jobs, and a job's live progress and per-room results.
// Data arrives as view models filled by the handlers; nothing here calls
// the database or Tencent, or knows the bulk or rooms packages' types.
package bulkview

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/layout"
)

// NewProps fills GET /bulk (and the preview's full-page fallback).
type NewProps struct {
	Layout    layout.Props
	RoomIDs   string   // the pasted list
	Selected  []string // the rooms ticked on the room list
	MaxRooms  int      // how many rooms a job takes
	Inputs    []Input  // one per editable field, in form order
	Recent    []Job
	Preview   *PreviewProps
	Templates Templates
	// CSV is the file chosen before this page was drawn again (a template
	// applied, a preview without JavaScript): a browser never refills a
	// file input, so the page carries the file's text itself.
	CSV *KeptCSV
}

// KeptCSV is a chosen CSV file carried by the form.
type KeptCSV struct {
	Name, Text string
}

// Input is one field of the changes form.
type Input struct {
	Name, Label string
	Ticked      bool     // "change this field"
	Value       string   // what the input shows
	Slots       []string // Category: one value per box
	Limit       int      // a text field's byte limit (Notice's counter)
}

// Input returns the named field's input; the zero Input when there is none.
func (p NewProps) Input(name string) Input {
	for _, in := range p.Inputs {
		if in.Name == name {
			return in
		}
	}
	return Input{Name: name}
}

// Setting is one field's value(s) as a plan, a job or a CSV row sets it.
type Setting struct {
	Field, Label string
	Values       []string
}

// PreviewProps fills the preview below the form.
type PreviewProps struct {
	Notice   string // e.g. "the form changed since the preview"
	Problems Problems
	Rooms    int    // how many rooms the plan updates
	Source   string // where they came from, as the job records it
	From     From   // the same, counted, for the page to say in words
	Common   []Setting
	Columns  []string // labels of the fields the CSV sets per room
	// Compare lays the first rooms' new values beside the catalogue's
	// current ones; CompareMore rooms are left out.
	Compare     []RoomNow
	CompareMore int
	Estimate    time.Duration
	Rate        float64
	Digest      string
	// Approval: the app's policy wants a second person for a job of this
	// many rooms (more than ApprovalAbove), so starting it creates a
	// change request, with Reason (and ReasonError when it is missing).
	NeedsApproval bool
	ApprovalAbove int
	Reason        string
	ReasonError   string
	Schedule      Schedule // "start later instead"
}

// From says how many rooms came from where.
type From struct {
	Selected, Pasted, CSV int
	CSVName               string
}

// RoomNow is one room of the preview, field by field.
type RoomNow struct {
	RoomID    string
	Catalogue bool // the catalogue holds the room
	Fields    []FieldNow
}

// FieldNow is one field of one room: what the catalogue holds, when it was
// seen, and what the job sets.
type FieldNow struct {
	Setting               // the new value(s)
	Current []string      // the catalogue's value; meaningful when Known
	Known   bool          // the catalogue knows this field of the room
	Age     time.Duration // how long ago Current was seen
	AsOf    time.Time
	Same    bool // the room already has the new value
}

// Problems is everything that stops a plan from running.
type Problems struct {
	General []string
	Fields  []FieldProblem // the common field values, in form order
	Lines   []LineError
	More    int // bad lines beyond those listed
}

// FieldProblem is what is wrong with one common value.
type FieldProblem struct {
	Field, Label, Message string
}

// LineError is one bad line of the input.
type LineError struct {
	Source  string
	Line    int
	RoomID  string
	Message string
}

// Any reports whether there is a problem.
func (p Problems) Any() bool { return len(p.General) > 0 || len(p.Fields) > 0 || len(p.Lines) > 0 }

// State is where a job is, for what the page says about it.
type State int

const (
	Running State = iota
	Queued
	Cancelling
	Cancelled
	Done
)

// Job is one bulk edit, for the recent list and its own page.
type Job struct {
	ID          int64
	AuditKey    string // the job id as the audit log's job filter takes it
	CreatedBy   string
	CreatedAt   time.Time
	Source      string
	Change      []Setting
	Status      string // as stored: "running", "done"…
	State       State
	Tone        components.Tone
	Total       int
	Done        int
	Failed      int
	Skipped     int
	Remaining   int
	CancelledBy string
	Rate        float64       // rooms per second, recently
	ETA         time.Duration // 0 when unknown
	Took        time.Duration // once ended
	RetryOf     int64         // the job whose failed rooms this one retries; 0 if none
	RetriedAs   int64         // the job retrying this one's failed rooms; 0 if none yet
}

// Ended reports whether the job has finished, one way or the other.
func (j Job) Ended() bool { return j.State == Done || j.State == Cancelled }

// Finished is the number of rooms that have an outcome.
func (j Job) Finished() int { return j.Done + j.Failed + j.Skipped }

// JobProps fills GET /bulk/{id}.
type JobProps struct {
	Layout   layout.Props
	Progress ProgressProps
}

// ProgressProps is the polled fragment: the bar, the counts and the table.
type ProgressProps struct {
	Job       Job
	Items     []Item
	CanCancel bool
	CSRF      string
	Revert    JobRevert
}

// Item is one room of a job.
type Item struct {
	RoomID    string
	Status    string // as stored, for data-status
	Text      string // as the operator reads it
	Tone      components.Tone
	Message   string
	ErrorCode int
	ErrorInfo string
	Changes   string
	RequestID string
	AuditSeq  int64 // the intent's audit entry, 0 if none
	Attempts  int
}

// jobPath is a job's page in the page's app.
func jobPath(ctx context.Context, id int64) string { return components.AppBase(ctx) + JobPath(id) }

// JobPath is a job's page (the single-app URL; handlers prefix the app).
func JobPath(id int64) string { return "/bulk/" + strconv.FormatInt(id, 10) }

// Percent is how far the job is, 0..100.
func (p ProgressProps) Percent() int {
	if p.Job.Total == 0 {
		return 100
	}
	return p.Job.Finished() * 100 / p.Job.Total
}

// shownValue is a form value as the operator reads it.
func shownValue(ctx context.Context, s Setting) string {
	var kept []string
	for _, v := range s.Values {
		if v = strings.TrimSpace(v); v != "" {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		if s.Field == "Category" {
			return i18n.T(ctx, "bulk.NoCategories")
		}
		return i18n.T(ctx, "bulk.Empty")
	}
	return components.ValueText(ctx, s.Field, strings.Join(kept, ", "))
}

// fromText says where the rooms came from: "2 selected rooms, 3 pasted".
func fromText(ctx context.Context, f From) string {
	var parts []string
	if f.Selected > 0 {
		parts = append(parts, i18n.Tn(ctx, "bulk.FromSelected", f.Selected, nil))
	}
	if f.Pasted > 0 {
		parts = append(parts, i18n.Tn(ctx, "bulk.FromPasted", f.Pasted, nil))
	}
	if f.CSV > 0 {
		parts = append(parts, i18n.Tn(ctx, "bulk.FromCSV", f.CSV, map[string]any{"Name": f.CSVName}))
	}
	return strings.Join(parts, ", ")
}

// currentValue is the catalogue's value of a field in words.
func currentValue(ctx context.Context, f FieldNow) string {
	return shownValue(ctx, Setting{Field: f.Field, Values: f.Current})
}

func summary(ctx context.Context, settings []Setting) string {
	if len(settings) == 0 {
		return i18n.T(ctx, "bulk.PerRoomValues")
	}
	parts := make([]string, len(settings))
	for i, s := range settings {
		parts[i] = s.Label + " = " + shownValue(ctx, s)
	}
	return strings.Join(parts, "; ")
}

func duration(ctx context.Context, d time.Duration) string {
	switch {
	case d < time.Second:
		return i18n.T(ctx, "bulk.UnderASecond")
	case d < time.Minute:
		return i18n.Tf(ctx, "bulk.Seconds", map[string]any{"S": int(d.Seconds())})
	case d < time.Hour:
		return i18n.Tf(ctx, "bulk.MinSec", map[string]any{"M": int(d.Minutes()), "S": fmt.Sprintf("%02d", int(d.Seconds())%60)})
	}
	return i18n.Tf(ctx, "bulk.HourMin", map[string]any{"H": int(d.Hours()), "M": fmt.Sprintf("%02d", int(d.Minutes())%60)})
}

// statusText is a job's or an item's status as stored ("running",
// "done"…) in the reader's language.
func statusText(ctx context.Context, status string) string {
	if id := "bulk.Status_" + status; i18n.Default().Has(i18n.English, id) {
		return i18n.T(ctx, id)
	}
	return status
}

func rate(r float64) string { return strconv.FormatFloat(r, 'f', 1, 64) }

func itoa(n int) string { return strconv.Itoa(n) }

func boolAttr(b bool) string { return strconv.FormatBool(b) }

// auditJobURL is the audit log filtered to a job's entries.
func auditJobURL(key string) string { return "/audit?" + url.Values{"job": {key}}.Encode() }

func digestVals(d string) string { return fmt.Sprintf(`{"digest":%q}`, d) }
