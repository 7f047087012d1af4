// Package bulk is roomdesk's bulk edit (issue 8): one change applied to many
// rooms by a background job kept in the database. Every room goes through
// the single edit's path (rooms.Service.Update: validate, re-read, audit the
// intent, send only what differs, audit the result), with the job id on its
// audit entries, and every request shares the one *tencent.Client's pacing
// with the interactive edits. It knows nothing of HTTP or HTML.
//
// Exactly once: an item is claimed ("sending") before it is sent and
// finished (done/failed/skipped) after. A finished item is never sent
// again. Anything unfinished when the process died is sent through Update
// again, and Update re-reads the room first: a room that already holds the
// target values is not sent to (an update applied before the crash is
// marked done without a second request).
package bulk

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// Job statuses.
const (
	JobQueued     = "queued"
	JobRunning    = "running"
	JobCancelling = "cancelling" // no new items are sent; in-flight ones finish
	JobCancelled  = "cancelled"
	JobDone       = "done"
)

// Item statuses.
const (
	ItemPending = "pending"
	ItemSending = "sending"
	ItemDone    = "done"
	ItemFailed  = "failed"
	ItemSkipped = "skipped" // the room already had the values: nothing sent
)

// Updater is the single-edit use case (*rooms.Service).
type Updater interface {
	Update(ctx context.Context, actor audit.Actor, roomID string, submitted, original rooms.Form) (rooms.Result, error)
}

// ErrNotFound is returned for an unknown job.
var ErrNotFound = errors.New("bulk: no such job")

// ErrFinished is returned when cancelling a job that has already ended.
var ErrFinished = errors.New("bulk: the job has already ended")

// Options tune a Service. Every field is optional.
type Options struct {
	// Workers is how many items are in flight at once; default 64. Each item
	// waits on two paced calls and two synchronous audit appends, so on
	// SQLite with synchronous=FULL 16 workers reached only ~130 rooms/s
	// here; 64 keep the pacer, not latency, the limit (≈197/s).
	Workers int
	// Rate is the update pace the estimate assumes (requests/s); default 197,
	// the client's default for update_room_info and get_room_info.
	Rate float64
	// ItemAttempts bounds how often an item is tried when Tencent could not
	// be reached (each try re-reads the room first); default 3.
	ItemAttempts int
	RetryDelay   time.Duration // before an item's next try; default 1s, doubling
	Poll         time.Duration // how often an idle runner looks for jobs; default 2s
	Now          func() time.Time
	Logger       *slog.Logger
	// Log records "retry the failed rooms" (RetryFailed refuses without
	// it) and each job's creation, start, cancellation and end.
	Log AuditLog
	// App is the id of the Tencent app whose rooms the jobs edit; the
	// jobs' audit events carry it (their room edits get it from rooms).
	// The service sees only that app's jobs; DefaultApp also gives it the
	// jobs from before apps (app '').
	App        string
	DefaultApp bool
}

// mine is the SQL condition that keeps a query to this service's app, its
// argument being n: each app's jobs are seen, run and retried only through
// that app's service (and so its rooms and its Tencent client).
func (s *Service) mine(n int) string {
	p := "$" + strconv.Itoa(n)
	if s.opts.DefaultApp {
		return "(app = " + p + " OR app = '')"
	}
	return "app = " + p
}

// AuditLog is where RetryFailed records who retried which job.
type AuditLog interface {
	Append(ctx context.Context, e *audit.Entry) error
}

// Service creates, runs and reports bulk jobs. Safe for concurrent use.
type Service struct {
	db   *db.DB
	up   Updater
	opts Options
	wake chan struct{}
}

// New returns a Service storing jobs in d and editing rooms through up.
func New(d *db.DB, up Updater, opts Options) *Service {
	if opts.Workers <= 0 {
		opts.Workers = 64
	}
	if opts.Rate <= 0 {
		opts.Rate = 197
	}
	if opts.ItemAttempts <= 0 {
		opts.ItemAttempts = 3
	}
	if opts.RetryDelay <= 0 {
		opts.RetryDelay = time.Second
	}
	if opts.Poll <= 0 {
		opts.Poll = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{db: d, up: up, opts: opts, wake: make(chan struct{}, 1)}
}

// Estimate is how long n rooms take at the pace: each room is one re-read
// and one update, each command paced on its own, so about n/rate.
func (s *Service) Estimate(n int) time.Duration {
	return time.Duration(float64(n) / s.opts.Rate * float64(time.Second)).Round(time.Second)
}

// Rate is the pace the estimate assumes.
func (s *Service) Rate() float64 { return s.opts.Rate }

// Job is one bulk edit.
type Job struct {
	ID          int64
	CreatedBy   string
	Role        string
	IP          string
	UserAgent   string
	CreatedAt   time.Time
	StartedAt   time.Time // zero until the runner starts it
	FinishedAt  time.Time // zero until it ends
	Status      string
	Source      string
	Fields      rooms.Form // the change every room gets
	Total       int
	CancelledBy string
	Counts      Counts
	RetryOf     int64 // the job whose failed rooms this job retries; 0 if none
	RetriedAs   int64 // the job retrying this one's failed rooms; 0 if none yet
}

// Ended reports whether the job has finished, one way or the other.
func (j Job) Ended() bool { return j.Status == JobDone || j.Status == JobCancelled }

// Key is the job id as the audit log's JobID holds it.
func (j Job) Key() string { return JobKey(j.ID) }

// JobKey is a job id as the audit log's JobID holds it.
func JobKey(id int64) string { return strconv.FormatInt(id, 10) }

// Counts are a job's items by status.
type Counts struct {
	Pending, Sending, Done, Failed, Skipped int
}

// Finished is the number of items that have an outcome.
func (c Counts) Finished() int { return c.Done + c.Failed + c.Skipped }

// Remaining is the number of items without one.
func (c Counts) Remaining() int { return c.Pending + c.Sending }

// Item is one room of a job.
type Item struct {
	JobID     int64
	Seq       int
	Line      int
	RoomID    string
	Fields    rooms.Form
	Status    string
	RequestID string
	ErrorCode int
	ErrorInfo string
	Message   string
	Changes   string
	Attempts  int
	IntentSeq int64
	UpdatedAt time.Time
	// Original, when set, is what the room must still hold for Fields to be
	// sent (a revert's "values the change set"): a field changed since is a
	// conflict, as on the room form. Nil: no such check.
	Original rooms.Form
	Note     string // why, on the room's audit entries ("reverts #12")
}

// Progress is a running job's state for the progress bar.
type Progress struct {
	Job
	Rate float64       // items finished per second, recently
	ETA  time.Duration // at that rate; 0 when unknown or done
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
