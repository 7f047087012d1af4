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
	Layout   layout.Props
	RoomIDs  string  // the pasted list, or the rooms ticked on the room list
	MaxRooms int     // how many rooms a job takes
	Inputs   []Input // one per editable field, in form order
	Recent   []Job
	Preview  *PreviewProps
}

// Input is one field of the changes form.
type Input struct {
	Name, Label string
	Ticked      bool     // "change this field"
	Value       string   // what the input shows
	Slots       []string // Category: one value per box
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
	Source   string // where they came from
	Common   []Setting
	Columns  []string // labels of the fields the CSV sets per room
	Sample   []Row    // the first rooms, for a glance
	Estimate time.Duration
	Rate     float64
	Digest   string
	// Approval: the app's policy wants a second person for a job of this
	// many rooms (more than ApprovalAbove), so starting it creates a
	// change request, with Reason (and ReasonError when it is missing).
	NeedsApproval bool
	ApprovalAbove int
	Reason        string
	ReasonError   string
	Schedule      Schedule // "start later instead"
}

// Row is one room of a plan.
type Row struct {
	RoomID   string
	Settings []Setting
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

// auditJobURL is the audit log filtered to a job's entries.
func auditJobURL(key string) string { return "/audit?" + url.Values{"job": {key}}.Encode() }

func digestVals(d string) string { return fmt.Sprintf(`{"digest":%q}`, d) }
