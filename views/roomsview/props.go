// Package roomsview draws the room list, the room page with its edit form, and
// the result of an edit. Data arrives as Props; nothing here calls Tencent.
package roomsview

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/layout"
)

// ListProps fills the room list.
type ListProps struct {
	Layout    layout.Props
	Rooms     []tencent.RoomInfo
	Cursor    string   // the cursor this page was read at ("" = first page)
	Back      []string // cursors of the earlier pages, oldest first
	Next      string   // Tencent's Next; "" on the last page
	OpenID    string   // what was typed in the open-a-room box
	OpenError string
	Error     string // the list could not be read
	// Unreadable are rooms of this page Tencent sent in a shape roomdesk
	// cannot read; the rest of the page still shows.
	Unreadable []UnreadableRoom
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

// NextURL is the URL of the following page: the current cursor joins the
// trail so "Previous" can come back to it.
func (p ListProps) NextURL() string {
	return listURL(p.Next, append(append([]string(nil), p.Back...), p.Cursor))
}

// PrevURL is the URL of the preceding page.
func (p ListProps) PrevURL() string {
	if len(p.Back) == 0 {
		return "/rooms"
	}
	return listURL(p.Back[len(p.Back)-1], p.Back[:len(p.Back)-1])
}

// listURL encodes a page as ?cursor=…&back=…&back=…: cursors are opaque
// to us, so each is its own parameter rather than a joined list.
func listURL(cursor string, back []string) string {
	if cursor == "" && len(back) == 0 {
		return "/rooms"
	}
	if len(back) > MaxTrail {
		back = back[len(back)-MaxTrail:]
	}
	v := url.Values{"cursor": {cursor}}
	if len(back) > 0 {
		v["back"] = back
	}
	return "/rooms?" + v.Encode()
}

// RoomPath is a room's page. RoomIds may hold '/', '#', '?' and spaces.
func RoomPath(id string) string { return "/rooms/" + url.PathEscape(id) }

// ShowProps fills the room page.
type ShowProps struct {
	Layout layout.Props
	Room   tencent.RoomInfo
	Edit   EditProps
}

// EditProps fills the edit region: an outcome panel (at most one of
// Result, Conflict, Problem) above the form, or the read-only values.
type EditProps struct {
	RoomID   string
	CanEdit  bool
	CSRF     string
	Values   rooms.Form // what the inputs show
	Original rooms.Form // what the orig_* inputs carry
	Errors   rooms.FieldErrors
	Result   *rooms.Result
	Conflict *rooms.ConflictError
	Problem  *Problem
	// Facts, when set, is sent out of band to refresh the facts panel
	// (htmx answers after an edit).
	Facts *tencent.RoomInfo
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

func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func formatTime(unix int64) string {
	if unix <= 0 {
		return "—"
	}
	return time.Unix(unix, 0).UTC().Format("2006-01-02 15:04 UTC")
}

func isoTime(unix int64) string { return time.Unix(unix, 0).UTC().Format(time.RFC3339) }

func formatLatency(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func seatModeText(m string) string {
	switch m {
	case string(tencent.SeatFreeToTake):
		return "Free to take"
	case string(tencent.SeatApplyToTake):
		return "Apply to take"
	case "":
		return "—"
	}
	return m
}

// shown makes empty values visible in before/after tables.
func shown(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}

func coverSrc(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return "/static/img/no-cover.svg"
}

func auditURL(seq int64) templ.SafeURL { return templ.SafeURL("/audit/" + strconv.FormatInt(seq, 10)) }

func outcomeClass(outcome string) string {
	switch outcome {
	case audit.OutcomeOK:
		return "alert result alert-ok"
	case audit.OutcomeFailed:
		return "alert result alert-bad"
	case audit.OutcomeUnknown:
		return "alert result alert-warn"
	}
	return "alert result alert-info"
}

func outcomeTitle(outcome string) string {
	switch outcome {
	case audit.OutcomeOK:
		return "Saved: Tencent applied the change"
	case audit.OutcomeFailed:
		return "Tencent refused the update"
	case audit.OutcomeUnknown:
		return "Outcome unknown"
	}
	return "Nothing to update"
}

// fieldClass marks invalid fields for the stylesheet.
func fieldClass(errs rooms.FieldErrors, name, extra string) string {
	c := "field " + extra
	if errs[name] != "" {
		c += " invalid"
	}
	return strings.TrimSpace(c)
}

// byteCount is the counter's text as the page first shows it; app.js keeps
// it current while the operator types.
func byteCount(s string, limit int) string {
	return fmt.Sprintf("%d / %d bytes", len(s), limit)
}

// original is a field's orig_* value as data-original, in the form app.js
// compares against (visible values joined by commas).
func original(f rooms.Form, name string) string {
	if name == rooms.FieldCategory {
		c := f.Category()
		return strings.TrimRight(strings.Join(c[:], ","), ",")
	}
	return strings.TrimSpace(f.Get(name))
}

// origValues are the orig_* inputs of a field; Category gets at least one
// (empty) so "no categories" is carried too.
func origValues(f rooms.Form, name string) []string {
	v := f[name]
	if name == rooms.FieldCategory {
		var out []string
		for _, s := range v {
			if strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return []string{""}
		}
		return out
	}
	return []string{f.Get(name)}
}

func describedBy(errs rooms.FieldErrors, name string, extra ...string) string {
	ids := extra
	if errs[name] != "" {
		ids = append(ids, name+"-error")
	}
	return strings.Join(ids, " ")
}

func joinNonEmpty(vals []string) string {
	var out []string
	for _, v := range vals {
		if v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, ", ")
}
