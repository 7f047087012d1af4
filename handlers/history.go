package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/history"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/historyview"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// historyPage is how many records a history page holds.
const historyPage = 50

// RoomHistory is GET /rooms/{id}/history: every audit record about the
// room in this app, newest first. The first page reads the room first, so
// a change made outside roomdesk since the last read is in it.
func (h *Handlers) RoomHistory(c echo.Context) error {
	id := roomIDParam(c)
	if h.History == nil || rooms.ValidateRoomID(id) != "" {
		return echo.ErrNotFound
	}
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	ctx := c.Request().Context()
	if before <= 0 && !isHTMX(c) {
		before = 0
		if _, err := h.rooms(c).Get(ctx, id); err != nil {
			// The history is the log's, not Tencent's: show it anyway.
			h.Logger.Info("history: room not read", "room_id", id, "err", err)
		}
	}
	pg, err := h.History.Room(ctx, h.appID(c), id, max(before, 0), historyPage)
	if err != nil {
		return err
	}
	p := historyview.Props{Layout: h.page(c, i18n.Tf(ctx, "history.Title", map[string]any{"Room": id}), "rooms"), RoomID: id,
		Rows: h.historyRows(c, pg), Before: max(before, 0), Next: pg.Next}
	if isHTMX(c) {
		return render(c, http.StatusOK, historyview.Results(p))
	}
	return render(c, http.StatusOK, historyview.Page(p))
}

// RevertForm is GET /audit/{seq}/revert (operators of the entry's app):
// the room form pre-filled with the values from before the change, for
// exactly the fields it touched, under a banner naming the change.
func (h *Handlers) RevertForm(c echo.Context) error {
	rv, err := h.revertPlan(c)
	if err != nil {
		return err
	}
	room, err := h.rooms(c).Get(c.Request().Context(), rv.Record.Entry.RoomID)
	if err != nil {
		return h.roomProblemPage(c, rv.Record.Entry.RoomID, err)
	}
	form, orig := rooms.FormFromRoom(room), rooms.FormFromRoom(room)
	for _, f := range rv.Fields {
		form[f], orig[f] = rv.Before[f], rv.After[f]
	}
	edit := roomsview.EditProps{RoomID: room.RoomId, CanEdit: true, CSRF: csrfToken(c),
		Fields: editFields(c.Request().Context(), form, orig, nil), Action: revertURL(rv.Record),
		Banner: historyview.Banner(revertBanner(c.Request().Context(), rv, rooms.Values(room)))}
	pol, err := h.policy(c)
	if err != nil {
		return err
	}
	guard(&edit, pol)
	return render(c, http.StatusOK, roomsview.ShowPage(h.showProps(c, room, edit)))
}

// RevertSave is POST /audit/{seq}/revert (operators, CSRF): the revert
// goes through the one edit path, saying "reverts #N".
func (h *Handlers) RevertSave(c echo.Context) error {
	rv, err := h.revertPlan(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	submitted, original := rooms.SplitForm(form)
	// A field under an approval policy makes the revert a change request,
	// like any save: the other fields stay as they were, and the reason
	// says what it reverts unless the operator gave one.
	sub, orig := revertForms(rv, submitted, original)
	if form.Get("reason") == "" {
		form.Set("reason", rv.Note())
	}
	if done, err := h.requestInstead(c, rv.Record.Entry.RoomID, form, sub, orig); done {
		return err
	}
	res, err := h.History.Apply(c.Request().Context(), h.rooms(c), actorFrom(c), rv, submitted, original)
	p := roomsview.EditProps{RoomID: rv.Record.Entry.RoomID}
	if err != nil || res.Outcome != audit.OutcomeOK {
		// Not done yet: the form still reverts, under its banner.
		p.Action, p.Banner = revertURL(rv.Record), historyview.Banner(revertBanner(c.Request().Context(), rv, nil))
	}
	return h.editAnswer(c, p, submitted, original, res, err)
}

// revertPlan reads the entry the URL names, in the route's app.
func (h *Handlers) revertPlan(c echo.Context) (history.Revert, error) {
	seq, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if h.History == nil || err != nil || seq <= 0 {
		return history.Revert{}, echo.ErrNotFound
	}
	rv, err := h.History.PlanRevert(c.Request().Context(), h.appID(c), seq)
	switch {
	case errors.Is(err, history.ErrNotFound):
		return rv, echo.ErrNotFound
	case errors.Is(err, history.ErrNotRevertable):
		return rv, echo.NewHTTPError(http.StatusUnprocessableEntity, err.Error())
	}
	return rv, err
}

// revertForms is the posted form as a save of the room would see it: the
// fields the change touched as posted (orig_* the values it set, unless
// posted), every other field left as it was (submitted = its orig_*).
func revertForms(rv history.Revert, submitted, original rooms.Form) (rooms.Form, rooms.Form) {
	sub, orig := rooms.Form{}, rooms.Form{}
	touched := map[string]bool{}
	for _, f := range rv.Fields {
		touched[f] = true
	}
	for _, f := range rooms.Fields {
		switch {
		case touched[f]:
			sub[f], orig[f] = submitted[f], rv.After[f]
			if original.Has(f) {
				orig[f] = original[f]
			}
		case original.Has(f):
			sub[f], orig[f] = original[f], original[f]
		}
	}
	return sub, orig
}
