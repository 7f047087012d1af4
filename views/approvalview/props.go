// Package approvalview draws the change requests (/requests, a request's
// page) and the approval policy settings (/admin/policy). Data arrives as
// view models filled by the handlers; nothing here knows the approval,
// rooms or audit packages' types.
package approvalview

import (
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/layout"
)

// Change is one field of a request: what the requester saw, and asked for.
type Change struct {
	Field, Label, Before, After string
}

// Request is one request as the list and its page show it.
type Request struct {
	ID          int64
	Ref         string // "R-12"
	URL         string // its page, in its app
	Kind        string // "room" or "bulk"
	RoomID      string
	RoomURL     string
	RoomCount   int
	Summary     string
	RequestedBy string
	Created     time.Time
	Expires     time.Time
	Status      string
	StatusLabel string
	Tone        components.Tone
	Reason      string
	Changes     []Change
	DecidedBy   string
	Decided     time.Time
	Comment     string
	Outcome     string // what approval came to ("ok", "failed", "started"...)
	Message     string
	TencentID   string // the update's RequestId
	JobURL      string // the bulk job approval started
}

// Choice is one option of a select.
type Choice struct{ Value, Label string }

// Filter is the list's filter, as submitted.
type Filter struct{ Status, RequestedBy, RoomID string }

// ListProps fill GET /requests.
type ListProps struct {
	Layout   layout.Props
	Filter   Filter
	Statuses []Choice
	Requests []Request
}

// Step is one audit entry of a request.
type Step struct {
	Seq   int64
	Label string
	URL   string
}

// SeqText is the entry's number as the page shows it.
func (s Step) SeqText() string { return "#" + strconv.FormatInt(s.Seq, 10) }

// Flash is the outcome of the last action on the page.
type Flash struct {
	OK   bool
	Text string
}

// ShowProps fill a request's page.
type ShowProps struct {
	Layout  layout.Props
	Request Request
	Steps   []Step
	// CanDecide: the viewer may approve or reject (operator or admin in the
	// app, request pending). Own: the viewer requested it (and so may
	// cancel it but not decide it).
	CanDecide bool
	Own       bool
	Pending   bool
	Flash     Flash
	Comment   string // the comment as typed, after a refusal
}

// PolicyField is one room field of the policy form.
type PolicyField struct {
	Name, Label string
	Checked     bool
}

// PolicyProps fill /admin/policy.
type PolicyProps struct {
	Layout      layout.Props
	Apps        []Choice // the apps served; App is the one shown
	App         string
	AppName     string
	Fields      []PolicyField
	BulkAbove   string
	ExpiryHours string
	UpdatedBy   string
	Updated     time.Time
	Flash       Flash
	Errors      map[string]string
}
