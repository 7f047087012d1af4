package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// RoomsUpdate is POST /rooms/{id} (operators; the role is checked by the
// route's middleware). It answers htmx with the edit region: the outcome
// above a form holding the values to edit next.
func (h *Handlers) RoomsUpdate(c echo.Context) error {
	id := roomIDParam(c)
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	submitted, original := rooms.SplitForm(form)
	if done, err := h.requestInstead(c, id, form, submitted, original); done {
		return err // a field needs approval: a change request instead of a call
	}
	if done, err := h.scheduleInstead(c, id, form, submitted, original); done {
		return err // a time to apply at: a scheduled change instead of a call
	}
	p := roomsview.EditProps{RoomID: id}
	var early earlyAnswer // rendered while the result's audit row is written
	res, err := h.rooms(c).UpdateWhile(c.Request().Context(), actorFrom(c), id, submitted, original,
		func(r rooms.Result) { early = h.renderEarly(c, p, r) })
	if err == nil && early.html != nil && res.Warning == "" {
		return send(c, http.StatusOK, early.html)
	}
	return h.editAnswer(c, p, submitted, original, res, err)
}

// editAnswer shows what an edit came to (p's RoomID, Action and Banner
// kept): the outcome above a form holding the values to edit next.
func (h *Handlers) editAnswer(c echo.Context, p roomsview.EditProps, submitted, original rooms.Form, res rooms.Result, err error) error {
	id, ctx := p.RoomID, c.Request().Context()
	status, room := http.StatusOK, res.Room
	var ve *rooms.ValidationError
	var ce *rooms.ConflictError
	p.CanEdit, p.CSRF = true, csrfToken(c)
	switch {
	case err == nil:
		answered(ctx, &p, res)
	case errors.As(err, &ve) && ve.Fields[rooms.FieldRoomID] == "":
		status, p.Fields = http.StatusUnprocessableEntity, editFields(ctx, submitted, original, ve.Problems)
	case errors.As(err, &ce):
		status, p.Conflict, p.Fields, room = http.StatusConflict, conflictView(ctx, ce), editFields(ctx, ce.Form, ce.Original, nil), &ce.Room
		h.attributeConflict(c, ce, p.Conflict)
	default:
		prob, ok := problemFor(ctx, err, id)
		if !ok {
			return err
		}
		status, p.Problem, p.Fields = prob.Status, &prob, editFields(ctx, submitted, original, nil)
	}
	return h.renderEdit(c, status, p, room)
}

// renderEdit sends the edit region to htmx (refreshing the facts panel out
// of band when the room was read), or the whole page to a plain form post.
func (h *Handlers) renderEdit(c echo.Context, status int, p roomsview.EditProps, room *tencent.RoomInfo) error {
	if err := h.dressEdit(c, &p); err != nil {
		return err
	}
	if isHTMX(c) {
		return render(c, status, editRegion(p, room))
	}
	if room == nil {
		r, err := h.rooms(c).Get(c.Request().Context(), p.RoomID)
		if err != nil {
			return h.roomProblemPage(c, p.RoomID, err)
		}
		room = &r
	}
	return render(c, status, roomsview.ShowPage(h.showProps(c, *room, p)))
}

// answered fills p for an edit Tencent answered: the outcome above a form
// holding the values to edit next. editAnswer and renderEarly share it, so
// the answer rendered early is the one rendered after.
func answered(ctx context.Context, p *roomsview.EditProps, res rooms.Result) {
	p.Result, p.Fields = resultView(ctx, res), editFields(ctx, res.Form, res.Original, nil)
}

// dressEdit adds to an edit form what the policy and the schedule say:
// the fields needing approval, the time zone to schedule in.
func (h *Handlers) dressEdit(c echo.Context, p *roomsview.EditProps) error {
	pol, err := h.policy(c)
	if err != nil {
		return err
	}
	guard(p, pol)
	h.scheduleForm(c, p)
	return nil
}

// editRegion is the edit region htmx swaps in, refreshing the facts panel
// out of band when the room was read.
func editRegion(p roomsview.EditProps, room *tencent.RoomInfo) templ.Component {
	if room != nil {
		facts := roomView(*room)
		p.Facts = &facts
	}
	return roomsview.EditRegion(p)
}
