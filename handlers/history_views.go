package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/history"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/auditview"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/historyview"
)

// historyRows turns a page of a room's history into rows; the Revert link
// is on the changes this user may revert (an operator of the page's app).
func (h *Handlers) historyRows(c echo.Context, pg history.Page) []historyview.Row {
	canRevert := h.canEdit(c)
	out := make([]historyview.Row, 0, len(pg.Records))
	for _, r := range pg.Records {
		row := historyRow(c.Request().Context(), r, pg.Links)
		if canRevert && history.Revertable(r) {
			row.RevertURL = revertURL(r)
		}
		out = append(out, row)
	}
	return out
}

func historyRow(ctx context.Context, r audit.Record, l history.Links) historyview.Row {
	e, ans := r.Entry, r.Entry
	if r.Result != nil {
		ans = *r.Result
	}
	row := historyview.Row{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Role: e.ActorRole, JobID: e.JobID,
		Note: e.Detail, Outcome: r.Outcome(), RequestID: ans.RequestID, ErrorCode: ans.ErrorCode,
		HasCode: ans.ErrorCode != 0 || ans.ActionStatus != "", Reverts: l.Reverts[e.Seq], RevertedBy: l.RevertedBy[e.Seq]}
	if r.Result != nil && r.Result.Detail != "" && r.Result.Detail != e.Detail {
		row.Note = strings.TrimSpace(row.Note + " " + r.Result.Detail)
	}
	if row.Note == "" && ans.ErrorInfo != "" {
		row.Note = ans.ErrorInfo
	}
	row.Kind, row.Label = historyKind(ctx, e, row.Reverts)
	row.Changes = historyChanges(ctx, e.Changes)
	return row
}

// historyKind says what kind of change a record is, for people.
func historyKind(ctx context.Context, e audit.Entry, reverts int64) (kind, label string) {
	switch {
	case e.Action == audit.ActionChangedOutside:
		return historyview.KindOutside, ""
	case e.Action != audit.ActionRoomUpdate:
		return historyview.KindOther, auditview.ActionLabel(ctx, e.Action)
	case reverts != 0 || strings.HasPrefix(e.Detail, "reverts #"):
		return historyview.KindRevert, ""
	case strings.HasPrefix(e.Detail, "schedule "):
		return historyview.KindSchedule, ""
	case e.JobID != "":
		return historyview.KindBulk, ""
	}
	return historyview.KindEdit, ""
}

func historyChanges(ctx context.Context, cs []audit.Change) []historyview.Change {
	out := make([]historyview.Change, 0, len(cs))
	for _, c := range cs {
		ch := historyview.Change{Field: c.Field, Label: fieldLabel(ctx, c.Field), After: rooms.Display(c.Field, c.After)}
		if c.Before != "" {
			ch.Before = rooms.Display(c.Field, c.Before)
		}
		out = append(out, ch)
	}
	return out
}

// revertURL is where a change is reverted: under its app (the default
// app's single-app URL for rows from before apps).
func revertURL(r audit.Record) string {
	u := "/audit/" + strconv.FormatInt(r.Entry.Seq, 10) + "/revert"
	if r.Entry.App != "" {
		return components.AppPath(r.Entry.App) + u
	}
	return u
}

// revertBanner names the change being reverted; now (the room's values,
// nil when not read) marks the touched fields changed since.
func revertBanner(ctx context.Context, rv history.Revert, now map[string]string) historyview.RevertBanner {
	b := historyview.RevertBanner{Seq: rv.Record.Entry.Seq, Actor: rv.Record.Entry.Actor, Time: rv.Record.Entry.Time}
	b.Kind, b.Label = historyKind(ctx, rv.Record.Entry, 0)
	set := map[string]audit.Change{}
	for _, c := range rv.Record.Entry.Changes {
		set[c.Field] = c
	}
	for _, f := range rv.Fields {
		b.Changes = append(b.Changes, historyview.Change{Field: f, Label: fieldLabel(ctx, f),
			Before: rooms.Display(f, set[f].Before), After: rooms.Display(f, set[f].After)})
		if v, ok := now[f]; ok && v != set[f].After {
			b.Changed = append(b.Changed, fieldLabel(ctx, f))
		}
	}
	return b
}

// entryLinks are an audit entry's revert links: what reverts it, what it
// reverts, and a Revert link for an operator of the entry's app.
func (h *Handlers) entryLinks(c echo.Context, r audit.Record) auditview.Links {
	var out auditview.Links
	if h.History == nil {
		return out
	}
	ctx := c.Request().Context()
	if r.Entry.RoomID != "" && r.Entry.Action != audit.ActionDenied {
		out.HistoryURL = components.AppRoomURL(r.Entry.App, r.Entry.RoomID) + "/history"
	}
	if l, err := h.History.Links(ctx, r.Entry.Seq); err == nil {
		out.RevertedBy, out.Reverts = l.RevertedBy[r.Entry.Seq], l.Reverts[r.Entry.Seq]
	} else {
		h.Logger.Warn("history: links not read", "seq", r.Entry.Seq, "err", err)
	}
	u, ok := currentUser(c)
	if !ok || !history.Revertable(r) {
		return out
	}
	app := r.Entry.App
	if app == "" && h.Apps != nil {
		app = h.Apps.Default().ID
	}
	if h.Apps != nil {
		if _, known := h.Apps.Get(app); !known {
			return out // an app no longer configured: nothing to revert with
		}
	}
	if role, err := h.Auth.RoleIn(ctx, u, app); err == nil && role.Allows(auth.RoleOperator) {
		out.RevertURL = revertURL(r)
	}
	return out
}
