// Package historyview draws a room's history and the revert banner. Data
// arrives as view models (handlers/history_views.go fills them).
package historyview

import (
	"context"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/layout"
)

// Props is GET /rooms/{id}/history.
type Props struct {
	Layout layout.Props
	RoomID string
	Rows   []Row
	Before int64 // this page's cursor (0: the newest)
	Next   int64 // the next (older) page's cursor, 0 on the last
}

// Kinds of row, for the label and the data-kind attribute.
const (
	KindEdit     = "edit"
	KindBulk     = "bulk"
	KindRevert   = "revert"
	KindOutside  = "outside"
	KindSchedule = "schedule"
	KindOther    = "other"
)

// Row is one record of the room's history.
type Row struct {
	Seq       int64
	Time      time.Time
	Kind      string // one of the Kind constants
	Label     string // what happened, for a KindOther row (the action's label)
	Actor     string
	Role      string
	JobID     string
	Note      string // the entry's detail ("reverts #12", why it failed)
	Changes   []Change
	Outcome   string // ok, failed, unknown, denied, pending
	RequestID string
	ErrorCode int
	HasCode   bool
	// RevertURL is set on a change that can be reverted by this user.
	RevertURL  string
	RevertedBy []int64 // the entries reverting this one
	Reverts    int64   // the entry this one reverts; 0 if none
}

// Change is one field before → after, as people read the values.
type Change struct {
	Field, Label, Before, After string
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func outcomeBadge(ctx context.Context, o string) (components.Tone, string) {
	switch o {
	case "ok":
		return components.OK, i18n.T(ctx, "audit.OutcomeOK")
	case "failed":
		return components.Bad, i18n.T(ctx, "audit.OutcomeFailed")
	case "unknown":
		return components.Warn, i18n.T(ctx, "audit.OutcomeUnknown")
	case "denied":
		return components.Bad, i18n.T(ctx, "audit.OutcomeDenied")
	case "pending":
		return components.Info, i18n.T(ctx, "audit.OutcomePending")
	}
	return components.Neutral, o
}

// PageURL is the history page of room id in the page's app, older than before.
func PageURL(base, id string, before int64) string {
	u := base + components.RoomURL(id) + "/history"
	if before > 0 {
		u += "?before=" + itoa(before)
	}
	return u
}

func (p Props) pager(ctx context.Context) components.Pager {
	base := components.AppBase(ctx)
	pg := components.Pager{Label: i18n.T(ctx, "history.Pages"), Target: "#history", Class: "btn-sm"}
	if p.Before > 0 {
		pg.Prev = components.PageLink{URL: PageURL(base, p.RoomID, 0), Text: i18n.T(ctx, "history.Newest"), Rel: "first"}
	}
	if p.Next > 0 {
		pg.Next = components.PageLink{URL: PageURL(base, p.RoomID, p.Next), Text: i18n.T(ctx, "history.Older"), Rel: "next", TestID: "history-older"}
	}
	return pg
}

// kindLabel names a kind of change; other records keep their action's label.
func kindLabel(ctx context.Context, kind, other string) string {
	switch kind {
	case KindEdit:
		return i18n.T(ctx, "history.KindEdit")
	case KindBulk:
		return i18n.T(ctx, "history.KindBulk")
	case KindRevert:
		return i18n.T(ctx, "history.KindRevert")
	case KindOutside:
		return i18n.T(ctx, "history.KindOutside")
	case KindSchedule:
		return i18n.T(ctx, "history.KindSchedule")
	}
	return other
}

// RevertBanner heads the room form opened to revert a change.
type RevertBanner struct {
	Seq     int64
	Kind    string // what the change was (a Kind constant)
	Label   string // for KindOther
	Actor   string
	Time    time.Time
	Changes []Change // the fields it touched: before (what the form now holds) and after
	// Changed names the touched fields that no longer hold what the change
	// set: saving shows them as conflicts rather than overwrite them.
	Changed []string
}
