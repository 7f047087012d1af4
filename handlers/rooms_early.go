package handlers

import (
	"bytes"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// earlyAnswer is an edit's answer rendered while the result's audit row
// was being written (rooms.Service.UpdateWhile): the row's disk sync and
// the rendering then take the time of one, not both. It is sent only
// once the row is written, and only if the result did not change meanwhile.
type earlyAnswer struct {
	html []byte // nil: none, render after the row as before
}

// renderEarly renders what editAnswer would for res. It runs on a
// goroutine UpdateWhile starts, while the handler's waits in UpdateWhile,
// so the two never use c at once. Only htmx's fragment is rendered early: the whole page lists
// the room's history, which must include the row being written.
func (h *Handlers) renderEarly(c echo.Context, p roomsview.EditProps, res rooms.Result) (a earlyAnswer) {
	if !isHTMX(c) {
		return earlyAnswer{}
	}
	defer func() {
		// Outside the handler's goroutine no middleware recovers a panic:
		// give up here, and the handler renders again in its own.
		if r := recover(); r != nil {
			h.Logger.Error("handlers: rendering an edit's answer early", "panic", r)
			a = earlyAnswer{}
		}
	}()
	ctx := c.Request().Context()
	p.CanEdit, p.CSRF = true, csrfToken(c)
	answered(ctx, &p, res)
	if err := h.dressEdit(c, &p); err != nil {
		return earlyAnswer{}
	}
	var buf bytes.Buffer
	if err := editRegion(p, res.Room).Render(ctx, &buf); err != nil {
		return earlyAnswer{}
	}
	return earlyAnswer{html: buf.Bytes()}
}
