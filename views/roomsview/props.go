// Package roomsview draws the room list, the room page with its edit form,
// and the result of an edit. Data arrives as view models filled by the
// handlers: nothing here knows the Tencent client's wire types or calls a
// service.
package roomsview

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/layout"
)

// Room is a room as the pages show it: the facts panel, the title and a
// row of the list.
type Room struct {
	ID, Name, Owner, Type string
	Created               time.Time // zero when Tencent did not say
	Views                 int64
	SeatsEnabled          bool
	Seats                 int
	SeatMode              string // "FreeToTake", "ApplyToTake" or what Tencent sent
	MaxMembers            int
	Muted, Listed         bool
	Categories            []int
	ActivityStatus        int
	CoverURL, Notice      string
	// Presence is the catalogue's word on the room ("listed", "private",
	// "missing": absent from the last full sweep); "" on Tencent's own list.
	Presence string
}

// Title is the room's heading: its name, or its id when it has none.
func (r Room) Title() string {
	if r.Name == "" {
		return r.ID
	}
	return r.Name
}

// ListProps fills the room list.
type ListProps struct {
	Layout    layout.Props
	Rooms     []Room
	Cursor    string   // the cursor this page was read at ("" = first page)
	Back      []string // cursors of the earlier pages, oldest first
	Next      string   // Tencent's Next; "" on the last page
	OpenID    string   // what was typed in the open-a-room box
	OpenError string
	Error     string // the list could not be read
	// Unreadable are rooms of this page Tencent sent in a shape roomdesk
	// cannot read; the rest of the page still shows.
	Unreadable []UnreadableRoom
	// Search is the catalogue's search form and freshness; nil when the
	// console keeps no catalogue.
	Search *SearchProps
	// Query is the search the pages belong to: page links keep it.
	Query url.Values
}

// SearchProps fills the search form (a GET form: the search lives in the
// URL) and the catalogue's freshness line. The values are as the operator
// gave them, so a bad one is shown back with its message.
type SearchProps struct {
	// Active says the rooms shown come from the catalogue (otherwise from
	// Tencent's own list: the catalogue has no full sweep yet).
	Active bool
	Text   string
	// Category and Status are category and ActivityStatus numbers as typed
	// ("" = any).
	Category, Status string
	// Muted, Listed: "", "yes" or "no". Seat: "", "FreeToTake" or
	// "ApplyToTake". Presence: "", "listed", "private" or "missing".
	Muted, Listed, Seat, Presence string
	Sort                          string // "views", "name" or "created"
	Errors                        map[string]string
	Filtered                      bool // anything narrows the list
	// AsOf is when the last full sweep of Tencent's list ended (zero:
	// none yet), Age how long ago that was.
	AsOf time.Time
	Age  time.Duration
	// Sweeping: a sweep is under way, Seen rooms read so far.
	Sweeping bool
	Seen     int
}

// UnreadableRoom is one list item that could not be read.
type UnreadableRoom struct {
	RoomID string // "" when even the RoomId was unreadable
	Raw    string // the item as Tencent sent it, clipped to MaxRawShown bytes
	Reason string
}

// MaxRawShown bounds the raw JSON shown for an unreadable room: enough to
// see the drifted field, not a whole hostile answer.
const MaxRawShown = 600

// NewUnreadableRoom clips what is shown of an unreadable room.
func NewUnreadableRoom(id string, raw []byte, reason string) UnreadableRoom {
	s := strings.ToValidUTF8(string(raw), "\uFFFD")
	if len(s) > MaxRawShown {
		s = strings.ToValidUTF8(s[:MaxRawShown], "") + fmt.Sprintf("…[truncated, %d bytes]", len(raw))
	}
	return UnreadableRoom{RoomID: id, Raw: s, Reason: reason}
}

// Page is the 1-based page number.
func (p ListProps) Page() int { return len(p.Back) + 1 }

// MaxTrail bounds the earlier-page cursors kept in the URL.
const MaxTrail = 50

// bulk says whether the list offers "bulk edit selected".
func (p ListProps) bulk() bool { return p.Layout.User.CanEdit() }

// NextURL is the URL of the following page: the current cursor joins the
// trail so "Previous" can come back to it.
func (p ListProps) NextURL() string {
	if p.Next == "" {
		return ""
	}
	return listURL(p.Query, p.Next, append(append([]string(nil), p.Back...), p.Cursor))
}

// PrevURL is the URL of the preceding page, "" on the first.
func (p ListProps) PrevURL() string {
	if len(p.Back) == 0 {
		return ""
	}
	return listURL(p.Query, p.Back[len(p.Back)-1], p.Back[:len(p.Back)-1])
}

// listURL encodes a page of a search as ?…&cursor=…&back=…&back=…:
// cursors are opaque to us, so each is its own parameter rather than a
// joined list.
func listURL(search url.Values, cursor string, back []string) string {
	v := url.Values{}
	for k, vs := range search {
		v[k] = vs
	}
	if len(back) > MaxTrail {
		back = back[len(back)-MaxTrail:]
	}
	if cursor != "" || len(back) > 0 {
		v.Set("cursor", cursor)
	}
	if len(back) > 0 {
		v["back"] = back
	}
	if len(v) == 0 {
		return "/rooms"
	}
	return "/rooms?" + v.Encode()
}

// ShowProps fills the room page.
type ShowProps struct {
	Layout layout.Props
	Room   Room
	Edit   EditProps
}

// EditProps fills the edit region: an outcome panel (at most one of
// Result, Conflict, Problem) above the form, or the read-only values.
type EditProps struct {
	RoomID   string
	CanEdit  bool
	CSRF     string
	Fields   []Field // every editable field, in form order
	Result   *Result
	Conflict *Conflict
	Problem  *Problem
	// Facts, when set, is sent out of band to refresh the facts panel
	// (htmx answers after an edit).
	Facts *Room
	// Guarded: some field needs approval (the app's policy), so the form
	// asks for a reason. Reason is what was typed, ReasonError its problem.
	Guarded     bool
	Reason      string
	ReasonError string
	// Requested is the change request a save created instead of a call.
	Requested *Requested
	// Action is where the form posts ("" : the room's own URL); Banner,
	// when set, heads the form and says why it is pre-filled (a revert).
	Action string
	Banner templ.Component
	// Schedule is the form's "apply later" section; Scheduled the change
	// a save scheduled instead of a call.
	Schedule  ScheduleFields
	Scheduled *Scheduled
}

// action is the URL the edit form posts to.
func (p EditProps) action(ctx context.Context) string {
	if p.Action != "" {
		return p.Action
	}
	return components.RoomURLIn(ctx, p.RoomID)
}

// Requested is a change request created by a save.
type Requested struct {
	Ref, URL string
	Changes  []Change
}

// Field is one editable field as the form (or the read-only list) shows it.
type Field struct {
	Name     string // the input's name: the update_room_info field
	Label    string
	Value    string   // what the input shows
	Slots    []string // Category: one value per input box
	Checked  bool     // a checkbox's state
	Original []string // the values the form was rendered from (orig_*)
	OrigName string   // the name of the orig_* inputs
	Error    string
	Limit    int  // a text field's byte limit, 0 if none
	Guarded  bool // a change needs approval (see EditProps.Guarded)
}

// Field returns the named field; the zero Field when there is none.
func (p EditProps) Field(name string) Field {
	for _, f := range p.Fields {
		if f.Name == name {
			return f
		}
	}
	return Field{Name: name}
}

// ErrorCount is how many fields are invalid.
func (p EditProps) ErrorCount() int {
	n := 0
	for _, f := range p.Fields {
		if f.Error != "" {
			n++
		}
	}
	return n
}

// Result is what an edit came to (a sent edit, or nothing to send).
type Result struct {
	Outcome   string // audit.OutcomeOK, OutcomeFailed, OutcomeUnknown, or "nothing"
	Message   string
	Warning   string // the result could not be audited
	ErrorCode int
	Meaning   string
	ErrorInfo string
	RequestID string
	Attempts  int
	Latency   time.Duration
	AuditSeq  int64 // the intent's audit entry; 0 when nothing was sent
	Changes   []Change
}

// Change is one field's value before and after, as the operator reads it.
type Change struct {
	Field, Label  string
	Before, After string
}

// Conflict is an edit stopped because someone else changed its fields.
type Conflict struct {
	RoomID string
	Fields []ConflictField
}

// ConflictField is one field both sides changed.
type ConflictField struct {
	Field, Label string
	Original     string // when the form was opened
	Theirs       string // now, at Tencent
	Yours        string // what the operator submitted
	// Who set Theirs through roomdesk, when the audit log knows ("" when
	// the change came from elsewhere), when, and the audit entry.
	By  string
	At  time.Time
	Seq int64
}

// Problem is an edit that stopped before anything was sent, or a page that
// could not be shown.
type Problem struct {
	Status    int
	Title     string
	Message   string
	Code      int // Tencent ErrorCode, 0 if none
	Meaning   string
	RequestID string
}

// ProblemProps fills a full-page problem (room not found, Tencent down).
type ProblemProps struct {
	Layout  layout.Props
	RoomID  string
	Problem Problem
}

func itoa(n int) string { return strconv.Itoa(n) }

// ScheduleFields is the form's "apply later" section: the times as typed,
// in the zone Zone names, and their problems.
type ScheduleFields struct {
	Enabled           bool // the app can schedule changes
	ApplyAt, RevertAt string
	Anyway            bool // apply fields changed since scheduling anyway
	Zone              string
	Errors            map[string]string
	Open              bool
}

// Scheduled is a change a save scheduled instead of sending.
type Scheduled struct {
	Key, URL          string
	ApplyAt, RevertAt time.Time
	Changes           []Change
}

// inputID is the id of the field's (first) input, for the error summary's
// links: the Category boxes are numbered.
func (f Field) inputID() string {
	if f.Name == nameCategory {
		return f.Name + "-1"
	}
	return f.Name
}
