package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// RoomsShow is GET /rooms/{id}: the room as Tencent has it, and the edit
// form pre-filled with it (read-only for viewers).
func (h *Handlers) RoomsShow(c echo.Context) error {
	id := roomIDParam(c)
	room, err := h.rooms(c).Get(c.Request().Context(), id)
	if err != nil {
		return h.roomProblemPage(c, id, err)
	}
	form := rooms.FormFromRoom(room)
	edit := roomsview.EditProps{RoomID: room.RoomId, CanEdit: h.canEdit(c), CSRF: csrfToken(c),
		Fields: editFields(c.Request().Context(), form, form, nil)}
	pol, err := h.policy(c)
	if err != nil {
		return err
	}
	guard(&edit, pol)
	h.scheduleForm(c, &edit)
	return render(c, http.StatusOK, roomsview.ShowPage(h.showProps(c, room, edit)))
}

func (h *Handlers) showProps(c echo.Context, room tencent.RoomInfo, edit roomsview.EditProps) roomsview.ShowProps {
	return roomsview.ShowProps{Layout: h.page(c, roomView(room).Title(), "rooms"), Room: roomView(room), Edit: edit}
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
	prob, ok := problemFor(c.Request().Context(), err, id)
	if !ok {
		return err
	}
	p := roomsview.ProblemProps{Layout: h.page(c, prob.Title, "rooms"), RoomID: id, Problem: prob}
	return render(c, prob.Status, roomsview.ProblemPage(p))
}
