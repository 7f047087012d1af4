package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// RoomsList is GET /rooms: one page of the catalogue's search (see
// searchCatalogue) or, until the catalogue holds the app's list, of
// get_room_list (?cursor=, with the earlier pages' cursors in ?back= for
// "Previous"), or, with ?open=ID, a jump to that room, which reads it
// fresh from Tencent.
func (h *Handlers) RoomsList(c echo.Context) error {
	q := c.QueryParams()
	ctx := c.Request().Context()
	p := roomsview.ListProps{Layout: h.page(c, tr(c, "rooms.ListTitle"), "rooms"), Cursor: q.Get("cursor"), Back: q["back"]}
	if _, ok := q["open"]; ok {
		id := strings.TrimSpace(q.Get("open"))
		if p.OpenError = problemText(ctx, rooms.CheckRoomID(id)); p.OpenError == "" {
			return redirect(c, components.RoomURL(id))
		}
		p.OpenID = id
	}
	if status, done, err := h.searchCatalogue(c, &p); err != nil {
		return err
	} else if done {
		return h.renderList(c, p, status)
	}
	status := http.StatusOK
	list, err := tencent.RoomList{}, error(nil)
	if badCursor(p.Cursor) {
		// The cursor comes back in the URL: attacker text that would be
		// sent, signed, to Tencent. Tencent's look like "1693271355-1231".
		status, p.Error, p.Cursor = http.StatusBadRequest, tr(c, "rooms.BadCursor"), ""
	} else {
		list, err = h.rooms(c).List(ctx, p.Cursor)
	}
	if err != nil {
		prob, ok := problemFor(ctx, err, "")
		if !ok {
			return err
		}
		status, p.Error = prob.Status, problemLine(ctx, prob)
	}
	p.Rooms, p.Next = roomViews(list.Rooms), list.Next
	for _, u := range list.Unreadable {
		p.Unreadable = append(p.Unreadable, roomsview.NewUnreadableRoom(u.RoomId, u.Raw, u.Reason))
	}
	return h.renderList(c, p, status)
}

func (h *Handlers) renderList(c echo.Context, p roomsview.ListProps, status int) error {
	if p.OpenError != "" {
		status = http.StatusUnprocessableEntity
	}
	if isHTMX(c) {
		return render(c, status, roomsview.ListTable(p))
	}
	return render(c, status, roomsview.ListPage(p))
}

func badCursor(cur string) bool {
	return len(cur) > 256 || safetext.Check(cur, "", false) != ""
}
