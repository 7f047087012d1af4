package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// RoomsList is GET /rooms: one page of get_room_list (?cursor=, with the
// earlier pages' cursors in ?back= for "Previous"), or, with ?open=ID,
// a jump to that room.
func (h *Handlers) RoomsList(c echo.Context) error {
	q := c.QueryParams()
	p := roomsview.ListProps{Layout: h.page(c, "Rooms", "rooms"), Cursor: q.Get("cursor"), Back: q["back"]}
	if _, ok := q["open"]; ok {
		id := strings.TrimSpace(q.Get("open"))
		if p.OpenError = rooms.ValidateRoomID(id); p.OpenError == "" {
			return redirect(c, components.RoomURL(id))
		}
		p.OpenID = id
	}
	status := http.StatusOK
	list, err := h.Rooms.List(c.Request().Context(), p.Cursor)
	if err != nil {
		prob, ok := problemFor(err, "")
		if !ok {
			return err
		}
		status, p.Error = prob.Status, problemLine(prob)
	}
	p.Rooms, p.Next = roomViews(list.Rooms), list.Next
	for _, u := range list.Unreadable {
		p.Unreadable = append(p.Unreadable, roomsview.NewUnreadableRoom(u.RoomId, u.Raw, u.Reason))
	}
	if p.OpenError != "" {
		status = http.StatusUnprocessableEntity
	}
	if isHTMX(c) {
		return render(c, status, roomsview.ListTable(p))
	}
	return render(c, status, roomsview.ListPage(p))
}
