// Package audit is roomdesk's append-only, hash-chained record of what
// operators did. Rows are only ever inserted: there is no update or delete
// anywhere in the code. See docs/AUDIT.md for the canonical encoding that the
// hash chain covers, so that an outside tool can re-check it.
package audit

import (
	"context"
	"errors"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Kind says what role a row plays.
type Kind string

const (
	KindIntent Kind = "intent" // written before a Tencent call
	KindResult Kind = "result" // written after it; IntentSeq points at the intent
	KindEvent  Kind = "event"  // a login, logout, refusal, user change...
)

// Actions. Room updates are an intent row and a result row; the others are events.
const (
	ActionRoomUpdate   = "room.update"
	ActionLogin        = "auth.login"
	ActionLoginFailed  = "auth.login_failed"
	ActionLoginLocked  = "auth.login_locked"
	ActionLogout       = "auth.logout"
	ActionDenied       = "access.denied"
	ActionUserCreate   = "user.create"
	ActionUserDisable  = "user.disable"
	ActionUserEnable   = "user.enable"
	ActionUserPassword = "user.password"
	ActionUserSessions = "user.sessions_ended"
	ActionAuditExport  = "audit.export"
	ActionBulkRetry    = "bulk.retry" // a finished job's failed rooms started again as a new job
	ActionBulkCreate   = "bulk.create"
	ActionBulkStart    = "bulk.start"
	ActionBulkCancel   = "bulk.cancel"
	ActionBulkFinish   = "bulk.finish"
	ActionMFAEnrol     = "auth.mfa_enrol"
	ActionMFAReset     = "auth.mfa_reset"
	ActionMFAUsed      = "auth.mfa"
	ActionUserAppRole  = "user.app_role" // a user's role in one app set or cleared
	// Four-eyes approval (internal/approval): a change request's steps, and
	// the policy saying which changes need one.
	ActionRequestCreate  = "request.create"
	ActionRequestApprove = "request.approve"
	ActionRequestReject  = "request.reject"
	ActionRequestExpire  = "request.expire"
	ActionRequestCancel  = "request.cancel"
	ActionSettingsPolicy = "settings.policy"
	// ActionChangedOutside is a difference between a room as read and the
	// values roomdesk last recorded for it: a change made elsewhere.
	ActionChangedOutside = "room.changed_outside"
	// Scheduled changes (issue 14); each run is a room.update whose Detail
	// says "schedule S-N".
	ActionScheduleCreate = "schedule.create"
	ActionScheduleCancel = "schedule.cancel"
	ActionScheduleSkip   = "schedule.skip" // a field changed since scheduling was skipped and flagged
	// Single sign-on with the OpenID Connect provider (internal/sso).
	ActionSSOLogin    = "auth.sso_login"   // signed in with the identity provider
	ActionSSORefused  = "auth.sso_refused" // a sign-in with the provider refused, with the reason
	ActionUserSSORole = "user.sso_role"    // a role set by the provider's groups at sign-in
	// Daily use (issue 13).
	ActionLabelsUpdate   = "labels.update"   // a category or ActivityStatus code named, renamed or unnamed
	ActionUserRole       = "user.role"       // a user's global role changed
	ActionTemplateSave   = "template.save"   // a bulk change set saved as a template
	ActionTemplateDelete = "template.delete" // a bulk template removed
	// Notifications (issue 15): webhooks and the API tokens of /audit/stream.
	ActionWebhookCreate = "webhook.create"
	ActionWebhookUpdate = "webhook.update"
	ActionWebhookDelete = "webhook.delete"
	ActionTokenCreate   = "token.create"
	ActionTokenRevoke   = "token.revoke"
)

// Outcomes. An intent's outcome is its result's; an intent without a result
// is OutcomeUnknown.
const (
	OutcomeOK      = "ok"      // Tencent said OK
	OutcomeFailed  = "failed"  // Tencent said FAIL, or the call was refused before sending
	OutcomeUnknown = "unknown" // timed out / network fault / no result row: check the room
	OutcomePending = "pending" // stored on intent rows themselves
	OutcomeDenied  = "denied"  // 403 refusals and failed logins
)

// Change is one field's value before and after, each as the JSON text of the
// value (so "" and absent stay distinct, and numbers stay numbers).
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Entry is one row of the log. Seq, Time, PrevHash and Hash are set by the
// store on Append.
type Entry struct {
	Seq          int64
	Time         time.Time // UTC, microsecond precision
	Kind         Kind
	IntentSeq    int64 // result rows: the intent they answer; else 0
	Actor        string
	ActorRole    string
	ClientIP     string
	UserAgent    string
	Action       string
	RoomID       string
	JobID        string // bulk job, if any
	Changes      []Change
	RequestBody  string // JSON body exactly as sent to Tencent
	ResponseBody string // Tencent's response body
	ActionStatus string
	ErrorCode    int
	ErrorInfo    string
	RequestID    string
	Outcome      string
	Attempts     int
	LatencyMS    int64
	Detail       string // human-readable note (e.g. why a login failed)
	// App is the id of the Tencent app the row is about ("" for what
	// belongs to no app: sign-ins, user changes, rows from before apps).
	App      string
	PrevHash string // hex SHA-256
	Hash     string // hex SHA-256
}

// Record is what the review pages show: an intent with its result (if any),
// or a lone event.
type Record struct {
	Entry  Entry  // the intent or event
	Result *Entry // the result row of an intent, nil if none (yet)
}

// Outcome is the record's effective outcome.
func (r Record) Outcome() string {
	if r.Entry.Kind != KindIntent {
		return r.Entry.Outcome
	}
	if r.Result == nil {
		return OutcomeUnknown
	}
	return r.Result.Outcome
}

// Filter selects records. Zero fields match everything.
type Filter struct {
	RoomID    string // a prefix of the RoomId
	Actor     string // a prefix of the operator's name
	Action    string
	Outcome   string
	RequestID string
	JobID     string
	App       string
	From, To  time.Time // To is exclusive
}

// Page is one page of records, newest first. NextCursor is 0 on the last page;
// pass it as `before` to get the next (older) page.
type Page struct {
	Records    []Record
	NextCursor int64
}

// Store is the append-only audit log. Implementations serialise appends so
// the hash chain stays linear, also across processes sharing a database.
type Store interface {
	Append(ctx context.Context, e *Entry) error
	List(ctx context.Context, f Filter, before int64, limit int) (Page, error)
	Get(ctx context.Context, seq int64) (Record, error)
	Export(ctx context.Context, f Filter, fn func(Record) error) error
	Verify(ctx context.Context) (VerifyReport, error)
}

// VerifyReport is the outcome of walking the chain.
type VerifyReport struct {
	Rows     int64
	FirstBad int64  // seq of the first broken row, 0 if none
	Problem  string // what is wrong with it
	LastHash string
	// The Merkle tree as the rows themselves hash (VerifyTree): the root of
	// every row checked, and of the first `at` rows asked for.
	Root   tlog.Hash
	RootAt tlog.Hash
}

// OK reports whether the chain is intact.
func (r VerifyReport) OK() bool { return r.FirstBad == 0 && r.Problem == "" }

// ErrNotFound is returned by Get for an unknown seq.
var ErrNotFound = errors.New("audit: no such entry")
