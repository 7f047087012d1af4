package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
	roomsview "github.com/roomdesk/roomdesk/views/rooms"
)

// RoomsShow is GET /rooms/{id}: the room as Tencent has it, and the edit
// form pre-filled with it (read-only for viewers).
func (h *Handlers) RoomsShow(c echo.Context) error {
	id := roomIDParam(c)
	room, err := h.Rooms.Get(c.Request().Context(), id)
	if err != nil {
		return h.roomProblemPage(c, id, err)
	}
	form := rooms.FormFromRoom(room)
	edit := roomsview.EditProps{RoomID: room.RoomId, CanEdit: h.canEdit(c), CSRF: csrfToken(c),
		Values: form, Original: form}
	return render(c, http.StatusOK, roomsview.ShowPage(h.showProps(c, room, edit)))
}

func (h *Handlers) showProps(c echo.Context, room tencent.RoomInfo, edit roomsview.EditProps) roomsview.ShowProps {
	title := room.RoomName
	if title == "" {
		title = room.RoomId
	}
	return roomsview.ShowProps{Layout: h.page(c, title, "rooms"), Room: room, Edit: edit}
}

func (h *Handlers) canEdit(c echo.Context) bool {
	return h.page(c, "", "").User.CanEdit()
}

// roomIDParam is the RoomId from the path. Echo matches on the escaped
// path when one exists (an id with '/' arrives as %2F) and then hands the
// segment over still escaped; otherwise it is already decoded.
func roomIDParam(c echo.Context) string {
	id := c.Param("id")
	if c.Request().URL.RawPath != "" {
		if u, err := url.PathUnescape(id); err == nil {
			return u
		}
	}
	return id
}

// roomProblemPage shows a room that could not be read as a product page.
func (h *Handlers) roomProblemPage(c echo.Context, id string, err error) error {
	prob, ok := problemFor(err, id)
	if !ok {
		return err
	}
	p := roomsview.ProblemProps{Layout: h.page(c, prob.Title, "rooms"), RoomID: id, Problem: prob}
	return render(c, prob.Status, roomsview.ProblemPage(p))
}

// problemFor explains the errors a room read or edit may meet before
// anything is sent; ok is false for the rest (a 500 for the error handler).
func problemFor(err error, id string) (roomsview.Problem, bool) {
	var ve *rooms.ValidationError
	var ae *tencent.APIError
	switch {
	case errors.As(err, &ve):
		return roomsview.Problem{Status: http.StatusNotFound, Title: "Not a valid RoomId",
			Message: ve.Fields[rooms.FieldRoomID]}, true
	case errors.Is(err, rooms.ErrAuditUnavailable):
		return roomsview.Problem{Status: http.StatusServiceUnavailable, Title: "Not sent: the audit log is unavailable",
			Message: "roomdesk could not record your change in the audit log, so it was not sent to Tencent. Nothing changed. Try again shortly; if it persists, tell your admin."}, true
	case errors.Is(err, tencent.ErrUnreachable):
		return roomsview.Problem{Status: http.StatusServiceUnavailable, Title: "Tencent is not answering",
			Message: "roomdesk could not reach Tencent's live room API, so the room could not be read and nothing was sent. Try again in a moment."}, true
	case errors.As(err, &ae):
		p := roomsview.Problem{Status: http.StatusBadGateway, Title: "Tencent refused the request",
			Message: "Tencent answered with an error, so nothing was changed.",
			Code:    ae.Code, Meaning: tencent.Describe(ae.Code).Meaning, RequestID: ae.RequestID}
		if errors.Is(err, rooms.ErrRoomNotFound) {
			p.Status, p.Title = http.StatusNotFound, "Room not found"
			p.Message = "Tencent has no live room with RoomId " + strconv.Quote(id) +
				". It may have been dismissed, or the id may be mistyped."
		}
		return p, true
	}
	return roomsview.Problem{}, false
}
