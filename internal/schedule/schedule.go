// Package schedule is roomdesk's scheduled changes (issue 14): a change to
// one room or a set of rooms, applied at a time and optionally reverted at
// a later one. Every run goes through the single edit's path
// (rooms.Service.Update: re-read, conflict check against the values the
// change expects, changed fields only, intent, update_room_info, result),
// its audit entries saying "schedule S-N", so it shares the one
// *tencent.Client's pacing with everything else. It knows nothing of HTTP.
//
// Exactly once: a step is leased (PostgreSQL) and claimed ("running") before
// it is run, and the submitted and original forms of each call are stored
// before the call. A step found running after a crash is sent through
// Update again with those forms, and Update re-reads the room first: a
// room that already holds the values is not sent to again.
package schedule

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Step kinds.
const (
	KindApply  = "apply"
	KindRevert = "revert"
)

// Step statuses.
const (
	StepUpcoming  = "upcoming"
	StepRunning   = "running"
	StepDone      = "done"
	StepFlagged   = "flagged" // applied, but fields changed since scheduling were skipped
	StepSkipped   = "skipped" // nothing applied (every field skipped, or nothing to revert)
	StepFailed    = "failed"
	StepCancelled = "cancelled"
)

// What a field changed since scheduling gets at run time.
const (
	OnConflictSkip  = "skip"  // skip it and flag the step (the default)
	OnConflictApply = "apply" // apply it anyway
)

// Updater is the room use case (*rooms.Service).
type Updater interface {
	Update(ctx context.Context, actor audit.Actor, roomID string, submitted, original rooms.Form) (rooms.Result, error)
	Get(ctx context.Context, id string) (tencent.RoomInfo, error)
}

// AuditLog is where scheduling, cancelling and skipped fields are recorded.
type AuditLog interface {
	Append(ctx context.Context, e *audit.Entry) error
}

// ErrNotFound is returned for an unknown schedule (or another app's).
var ErrNotFound = errors.New("schedule: no such scheduled change")

// ErrFinished is returned when cancelling a change with nothing left to run.
var ErrFinished = errors.New("schedule: nothing left to cancel: every step has run or been cancelled")

// Options tune a Service. Log is required; the rest are optional.
type Options struct {
	Log AuditLog
	// App is the id of the Tencent app whose rooms the changes edit. The
	// service sees only that app's changes; DefaultApp also gives it those
	// stored without an app.
	App        string
	DefaultApp bool
	Now        func() time.Time
	Logger     *slog.Logger
	Poll       time.Duration // the longest an idle runner waits before looking again; default 1s
	RetryDelay time.Duration // before a step's next try when Tencent could not be reached; default 5s, doubling
	Attempts   int           // tries of a step whose outcome is unknown; default 3
	Workers    int           // steps run at once; default 8
}

// Service schedules changes and runs them. Safe for concurrent use.
type Service struct {
	db   *db.DB
	up   Updater
	opts Options
	wake chan struct{}
}

// New returns a Service storing changes in d and editing rooms through up.
func New(d *db.DB, up Updater, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.RetryDelay <= 0 {
		opts.RetryDelay = 5 * time.Second
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 3
	}
	if opts.Workers <= 0 {
		opts.Workers = 8
	}
	return &Service{db: d, up: up, opts: opts, wake: make(chan struct{}, 1)}
}

// mine is the SQL condition keeping a query to this service's app (column
// col, argument n).
func (s *Service) mine(col string, n int) string {
	p := "$" + strconv.Itoa(n)
	if s.opts.DefaultApp {
		return "(" + col + " = " + p + " OR " + col + " = '')"
	}
	return col + " = " + p
}

// Schedule is one scheduled change.
type Schedule struct {
	ID          int64
	App         string
	CreatedBy   string
	Role        string
	IP          string
	UserAgent   string
	CreatedAt   time.Time
	Fields      rooms.Form // the values to set
	OnConflict  string
	ApplyAt     time.Time
	RevertAt    time.Time // zero: no revert
	Zone        string    // the zone the times were entered in
	CancelledBy string
	CancelledAt time.Time
	Steps       []Step // apply steps first, then revert steps, by room
}

// Key is how the console and the audit log name a change: "S-12".
func (s Schedule) Key() string { return Key(s.ID) }

// Key names schedule id: "S-12".
func Key(id int64) string { return "S-" + strconv.FormatInt(id, 10) }

// Rooms are the rooms the change edits, in order.
func (s Schedule) Rooms() []string {
	var out []string
	for _, st := range s.Steps {
		if st.Kind == KindApply {
			out = append(out, st.RoomID)
		}
	}
	return out
}

// Status sums the steps up: upcoming or running while any step is; then
// failed, flagged, cancelled (every step) or done.
func (s Schedule) Status() string {
	has := map[string]bool{}
	for _, st := range s.Steps {
		has[st.Status] = true
	}
	for _, st := range []string{StepRunning, StepUpcoming, StepFailed, StepFlagged} {
		if has[st] {
			return st
		}
	}
	if has[StepCancelled] && !has[StepDone] && !has[StepSkipped] {
		return StepCancelled
	}
	return StepDone
}

// Pending reports whether any step may still run (so the change can be cancelled).
func (s Schedule) Pending() bool {
	for _, st := range s.Steps {
		if st.Status == StepUpcoming {
			return true
		}
	}
	return false
}

// Step is one room's apply or revert.
type Step struct {
	ID         int64
	ScheduleID int64
	RoomID     string
	Kind       string
	DueAt      time.Time
	Status     string
	Fields     rooms.Form // what to set (a revert: the values from before the apply)
	Expected   rooms.Form // what the room should hold then; empty: read at run time
	Applied    rooms.Form // what the step set
	Before     rooms.Form // the values it replaced
	Flags      []Flag     // fields skipped because they changed since scheduling
	Message    string
	RequestID  string
	IntentSeq  int64 // the room.update audit entry of the last call
	Attempts   int
	UpdatedAt  time.Time
	attempt    attempt
}

// Flag is a field a step skipped: it no longer held the expected value.
type Flag struct {
	Field    string `json:"field"`
	Expected string `json:"expected"`
	Found    string `json:"found"`
}

// attempt is the call a step makes, stored before it is made.
type attempt struct {
	Submitted rooms.Form `json:"submitted,omitempty"`
	Original  rooms.Form `json:"original,omitempty"`
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
