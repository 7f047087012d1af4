// Package auditview draws the audit log's review pages: the filtered list and
// one entry in full. Everything here is presentation of audit.Record; the
// handlers fetch, and nothing in this package can change the log.
package auditview

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/layout"
)

// ListProps fills /audit.
type ListProps struct {
	Layout  layout.Props
	Values  map[string]string // the filter as typed, by query key
	Errors  map[string]string // a message per bad filter value, by query key
	Query   url.Values        // the canonical filter (no cursor)
	Records []audit.Record
	Before  int64          // this page's cursor; 0 is the newest page
	Next    int64          // the older page's cursor; 0 when this is the last
	Codes   map[int]string // ErrorCode → meaning, for the codes on this page
	OOB     bool           // htmx fragment: also refresh the filter's error slots
	Chain   *audit.Status  // the log's anchoring; nil when not configured
	Apps    []AppChoice    // the configured Tencent apps, for the app filter
}

// AppChoice is one configured app as the filter offers it.
type AppChoice struct{ ID, Name string }

// showApps says whether the filter offers an app: with several apps, or
// when a link names one.
func (p ListProps) showApps() bool { return len(p.Apps) > 1 || p.value("app") != "" }

// knownApp reports whether the filter's app is a configured one.
func (p ListProps) knownApp() bool {
	for _, a := range p.Apps {
		if a.ID == p.value("app") {
			return true
		}
	}
	return p.value("app") == ""
}

// ShowProps fills /audit/{seq}.
type ShowProps struct {
	Layout      layout.Props
	Record      audit.Record
	CodeMeaning string        // Tencent's ErrorCode explained; "" when there is no code
	Chain       *audit.Status // the log's anchoring; nil when not configured
	// Request is the change request the entry belongs to, if any.
	Request *RequestLink
	Links   Links // reverts linking this entry (issue 14)
}

// RequestLink names the change request an entry is a step of.
type RequestLink struct {
	Ref, URL string
	Step     string // "Requested", "Approved", "Room update"...
}

// Links are the reverts about one entry.
type Links struct {
	RevertURL  string  // set when this user may revert the change
	RevertedBy []int64 // the entries reverting it
	Reverts    int64   // the entry it reverts; 0 if none
	HistoryURL string  // the room's history page; "" for entries about no room
}

// lastSeq is the newest row of a record: a checkpoint covers the record
// once it covers that row.
func lastSeq(r audit.Record) int64 {
	if r.Result != nil {
		return r.Result.Seq
	}
	return r.Entry.Seq
}

// ageText is a checkpoint's age for people: "45 s", "4 min", "3 h".
func ageText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min"
	default:
		return strconv.Itoa(int(d.Hours())) + " h"
	}
}

// Action is one choice of the action filter.
type Action struct{ Value, Label string }

// Actions lists the known actions in the order the filter offers them.
var Actions = []Action{
	{audit.ActionRoomUpdate, "Room update"},
	{audit.ActionChangedOutside, "Changed outside roomdesk"},
	{audit.ActionLogin, "Sign-in"},
	{audit.ActionLoginFailed, "Failed sign-in"},
	{audit.ActionLoginLocked, "Sign-in locked"},
	{audit.ActionLogout, "Sign-out"},
	{audit.ActionDenied, "Access refused"},
	{audit.ActionUserCreate, "User created"},
	{audit.ActionUserDisable, "User disabled"},
	{audit.ActionUserEnable, "User enabled"},
	{audit.ActionUserPassword, "Password reset"},
	{audit.ActionUserSessions, "Sessions ended"},
	{audit.ActionUserAppRole, "App role changed"},
	{audit.ActionAuditExport, "Audit log exported"},
	{audit.ActionBulkCreate, "Bulk job created"},
	{audit.ActionBulkStart, "Bulk job started"},
	{audit.ActionBulkCancel, "Bulk job cancelled"},
	{audit.ActionBulkFinish, "Bulk job finished"},
	{audit.ActionBulkRetry, "Bulk job retried"},
	{audit.ActionMFAEnrol, "Second factor enrolled"},
	{audit.ActionMFAUsed, "Second factor used"},
	{audit.ActionMFAReset, "Second factor reset"},
	{audit.ActionRequestCreate, "Change requested"},
	{audit.ActionRequestApprove, "Change request approved"},
	{audit.ActionRequestReject, "Change request rejected"},
	{audit.ActionRequestExpire, "Change request expired"},
	{audit.ActionRequestCancel, "Change request cancelled"},
	{audit.ActionSettingsPolicy, "Approval policy changed"},
	{audit.ActionScheduleCreate, "Change scheduled"},
	{audit.ActionScheduleCancel, "Scheduled change cancelled"},
	{audit.ActionScheduleSkip, "Scheduled field skipped"},
	{audit.ActionSSOLogin, "Sign-in with the identity provider"},
	{audit.ActionSSORefused, "Identity provider sign-in refused"},
	{audit.ActionUserSSORole, "Role set by provider groups"},
	{audit.ActionLabelsUpdate, "Code names changed"},
	{audit.ActionUserRole, "User role changed"},
	{audit.ActionTemplateSave, "Bulk template saved"},
	{audit.ActionTemplateDelete, "Bulk template removed"},
	{audit.ActionWebhookCreate, "Webhook added"},
	{audit.ActionWebhookUpdate, "Webhook changed"},
	{audit.ActionWebhookDelete, "Webhook deleted"},
	{audit.ActionTokenCreate, "API token created"},
	{audit.ActionTokenRevoke, "API token revoked"},
}

// ActionLabel names an action for people. An action this build does not
// know (written by a newer version) shows as stored rather than vanishing.
func ActionLabel(ctx context.Context, a string) string {
	if id, ok := i18n.Default().Named(actionName(a)); ok {
		return i18n.T(ctx, id)
	}
	for _, x := range Actions {
		if x.Value == a {
			return x.Label
		}
	}
	return a
}

// actionName is the message name of an action code's label: Action_ and
// the code with '_' for '.' ("room.update" → Action_room_update), in any
// area (audit.Action_room_update; a feature's own actions in its own area).
func actionName(a string) string { return "Action_" + strings.ReplaceAll(a, ".", "_") }

// outcomeText is an outcome's name in the reader's language.
func outcomeText(ctx context.Context, o string) string {
	_, text := outcomeBadge(ctx, o)
	return text
}

// outcomeChoices are the outcome filter's options.
var outcomeChoices = []Action{
	{audit.OutcomeOK, "OK"},
	{audit.OutcomeFailed, "Failed"},
	{audit.OutcomeUnknown, "Outcome unknown"},
	{audit.OutcomeDenied, "Denied"},
}

// outcomeBadge is the badge tone and text for an outcome.
func outcomeBadge(ctx context.Context, o string) (components.Tone, string) {
	t := func(id string) string { return i18n.T(ctx, "audit."+id) }
	switch o {
	case audit.OutcomeOK:
		return components.OK, t("OutcomeOK")
	case audit.OutcomeFailed:
		return components.Bad, t("OutcomeFailed")
	case audit.OutcomeUnknown:
		return components.Warn, t("OutcomeUnknown")
	case audit.OutcomeDenied:
		return components.Bad, t("OutcomeDenied")
	case audit.OutcomePending:
		return components.Info, t("OutcomePending")
	case "":
		return components.Neutral, t("OutcomeRecorded")
	}
	return components.Neutral, o
}

// answer is the row that says how a record ended: the result when there is
// one, else the entry itself (an event, or an intent still unanswered).
func answer(r audit.Record) audit.Entry {
	if r.Result != nil {
		return *r.Result
	}
	return r.Entry
}

// hasCode reports whether the record carries a Tencent ErrorCode worth
// showing (0 is shown for an answered call, since "0" is Tencent's "OK").
func hasCode(r audit.Record) bool {
	a := answer(r)
	return a.ErrorCode != 0 || a.ActionStatus != ""
}

// isUnknown is an attempt whose outcome was never recorded: the one case an
// auditor must be sent to look at the room itself.
func isUnknown(r audit.Record) bool { return r.Outcome() == audit.OutcomeUnknown }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// PageURL is /audit with the filter and, when before > 0, the cursor.
func PageURL(q url.Values, before int64) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	if before > 0 {
		v.Set("before", itoa(before))
	}
	if len(v) == 0 {
		return "/audit"
	}
	return "/audit?" + v.Encode()
}

func exportURL(q url.Values, ext string) string {
	if len(q) == 0 {
		return "/audit/export." + ext
	}
	return "/audit/export." + ext + "?" + q.Encode()
}

// inlineChange is one change as the list shows it: the field's label and
// both sides in words, each clipped to maxInline characters.
type inlineChange struct {
	Field, Label, Before, After string
	Clipped                     bool
}

// maxInline is how much of a value the list shows; the entry page shows all.
const maxInline = 40

func inlineChanges(ctx context.Context, app string, cs []audit.Change) []inlineChange {
	out := make([]inlineChange, len(cs))
	for i, c := range cs {
		b, bc := clipRunes(components.ChangeText(ctx, app, c.Field, c.Before), maxInline)
		a, ac := clipRunes(components.ChangeText(ctx, app, c.Field, c.After), maxInline)
		out[i] = inlineChange{Field: c.Field, Label: components.FieldLabel(ctx, c.Field), Before: b, After: a, Clipped: bc || ac}
	}
	return out
}

// clipped reports whether any value of the row was cut short.
func clipped(ctx context.Context, app string, cs []audit.Change) bool {
	for _, c := range inlineChanges(ctx, app, cs) {
		if c.Clipped {
			return true
		}
	}
	return false
}

// clipRunes cuts s to n characters, marking the cut with "…".
func clipRunes(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	r := []rune(s)
	return string(r[:n-1]) + "…", true
}

// pretty indents a JSON body for reading. A body that is not JSON is given
// back as is (ok false), since the exact bytes are what matters then.
func pretty(body string) (string, bool) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(body), "", "  "); err != nil {
		return body, false
	}
	return buf.String(), true
}

func bytesLabel(ctx context.Context, s string) string {
	return i18n.Tn(ctx, "audit.Bytes", len(s), nil)
}

// latency is a recorded call's duration, formatted like the result panel's.
func latency(ms int64) string { return components.Latency(time.Duration(ms) * time.Millisecond) }

func kindLabel(ctx context.Context, k audit.Kind) string {
	switch k {
	case audit.KindIntent:
		return i18n.T(ctx, "audit.KindIntent")
	case audit.KindResult:
		return i18n.T(ctx, "audit.KindResult")
	case audit.KindEvent:
		return i18n.T(ctx, "audit.KindEvent")
	}
	return string(k)
}

// jobURL is a bulk job's page in its app ("" : the default app's URL).
func jobURL(app, job string) string {
	if app == "" {
		return "/bulk/" + url.PathEscape(job)
	}
	return components.AppPath(app) + "/bulk/" + url.PathEscape(job)
}

// pager goes to the newest page and to older ones, keeping the filter.
func (p ListProps) pager(ctx context.Context) components.Pager {
	pg := components.Pager{Label: i18n.T(ctx, "audit.Pages"), Target: "#audit-results", Indicator: "#audit-spinner", Class: "btn-sm"}
	if p.Before > 0 {
		pg.Prev = components.PageLink{URL: PageURL(p.Query, 0), Text: i18n.T(ctx, "audit.Newest"), Rel: "first"}
	}
	if p.Next > 0 {
		pg.Next = components.PageLink{URL: PageURL(p.Query, p.Next), Text: i18n.T(ctx, "audit.Older"), Rel: "next"}
	}
	return pg
}

// filtered reports whether any filter is applied (changes the empty state).
func (p ListProps) filtered() bool { return len(p.Query) > 0 }

func (p ListProps) value(k string) string { return p.Values[k] }

func (p ListProps) fieldClass(k string) string { return components.FieldClass(p.Errors[k] != "") }

// knownAction reports whether the typed action is one the select offers;
// if not, the select gets an extra option so the form shows what the URL says.
func (p ListProps) knownAction() bool {
	a := p.Values["action"]
	if _, ok := i18n.Default().Named(actionName(a)); a == "" || ok {
		return true
	}
	for _, x := range Actions {
		if x.Value == a {
			return true
		}
	}
	return false
}

func errID(k string) string { return "audit-err-" + strings.ReplaceAll(k, "_", "-") }

// errorKeys are the filter keys with a message slot in the form, in order.
var errorKeys = []string{"app", "room", "actor", "action", "outcome", "request_id", "job", "from", "to", "tz", "before"}
