// Package approval is roomdesk's four-eyes rule (issue 15): per app, a
// policy names the changes that need a second person (room fields, bulk jobs
// above a number of rooms), and such a change becomes a request that another
// operator or admin of the app approves or rejects. Approval runs the change
// at once through the normal path (rooms.Service.Update, checked against the
// values the requester saw; bulk.Service.Create for a job). Every step is an
// audit entry, and the entries of a request are linked in approval_links
// (the audit schema does not change). It knows nothing of HTTP or HTML.
package approval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// Request statuses. A request leaves pending once, to one of the others.
const (
	StatusPending   = "pending"
	StatusApproved  = "approved"
	StatusRejected  = "rejected"
	StatusExpired   = "expired"
	StatusCancelled = "cancelled"
	// StatusStale is an approved request that was not applied: a field it
	// changes was changed by someone else after it was requested.
	StatusStale = "stale"
)

// Statuses lists every status, in the order the list's filter offers them.
var Statuses = []string{StatusPending, StatusApproved, StatusRejected, StatusExpired, StatusCancelled, StatusStale}

// Request kinds.
const (
	KindRoom = "room" // one room's fields
	KindBulk = "bulk" // a bulk job, started on approval
)

// Steps name an audit entry's part in a request (approval_links.step).
const (
	StepCreate  = "create"
	StepApprove = "approve"
	StepReject  = "reject"
	StepExpire  = "expire"
	StepCancel  = "cancel"
	StepRefused = "refused" // a self-approval, refused
	StepUpdate  = "update"  // the room.update intent the approval ran
	StepStale   = "stale"   // approved, but stopped: changed since requested
	StepJob     = "job"     // the bulk.create of the job the approval started
)

// DefaultExpiry is how long a request waits when the policy says nothing.
const DefaultExpiry = 24 * time.Hour

// MaxReason and MaxComment bound what people type (in bytes).
const (
	MaxReason  = 1000
	MaxComment = 1000
)

var (
	// ErrNotFound: no such request (in that app).
	ErrNotFound = errors.New("approval: no such change request")
	// ErrSelfApproval: the requester may not approve their own request,
	// whatever their role.
	ErrSelfApproval = errors.New("approval: you requested this change, so you cannot approve it; another operator or admin of this app must")
	// ErrExpired: the request's time ran out before anyone decided.
	ErrExpired = errors.New("approval: this change request has expired and can no longer be approved")
	// ErrNotRequester: only the requester may cancel a request.
	ErrNotRequester = errors.New("approval: only the person who requested a change can cancel it")
)

// DecidedError is a decision on a request that is no longer pending (for
// instance when two approvers click at once: one wins, the other gets this).
type DecidedError struct {
	Ref, Status, By string
}

func (e *DecidedError) Error() string {
	if e.By != "" {
		return fmt.Sprintf("approval: %s is already %s (by %s)", e.Ref, e.Status, e.By)
	}
	return fmt.Sprintf("approval: %s is already %s", e.Ref, e.Status)
}

// InputError is bad input (a missing reason, say); nothing was stored.
// Code names the problem for pages that say it in the reader's language.
type InputError struct {
	Code    string
	Message string
}

// InputError codes.
const (
	CodeReasonRequired = "ReasonRequired"
	CodeReasonTooLong  = "ReasonTooLong"
	CodeCommentTooLong = "CommentTooLong"
	CodeNothingToAsk   = "NothingToRequest"
	CodePolicyInvalid  = "PolicyInvalid"
)

func (e *InputError) Error() string { return "approval: " + e.Message }

// Updater is the single-edit use case of an app (*rooms.Service).
type Updater interface {
	Update(ctx context.Context, actor audit.Actor, roomID string, submitted, original rooms.Form) (rooms.Result, error)
}

// JobCreator starts bulk jobs in an app (*bulk.Service).
type JobCreator interface {
	Create(ctx context.Context, actor audit.Actor, plan bulk.Plan) (bulk.Job, error)
}

// Options tune a Service.
type Options struct {
	Now    func() time.Time
	Logger *slog.Logger
	// Rooms and Jobs are an app's edit and bulk use cases; approval runs
	// the change through them.
	Rooms func(app string) (Updater, bool)
	Jobs  func(app string) (JobCreator, bool)
}

// Service keeps policies and requests. Safe for concurrent use.
type Service struct {
	db   *db.DB
	log  audit.Store
	opts Options
}

// New returns a Service storing in d and auditing into log.
func New(d *db.DB, log audit.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{db: d, log: log, opts: opts}
}

// Ref is how people name request id: "R-12".
func Ref(id int64) string { return "R-" + strconv.FormatInt(id, 10) }

// ParseRef reads "R-12" or "12".
func ParseRef(s string) (int64, bool) {
	if len(s) > 2 && (s[:2] == "R-" || s[:2] == "r-") {
		s = s[2:]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
