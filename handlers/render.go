package handlers

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/layout"
)

// render writes a component with the given status. It renders into a buffer
// first so a template error becomes a clean 500, not half a page.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return send(c, status, buf.Bytes())
}

// send writes a rendered page. Its length is known, so it goes with a
// Content-Length, in one write, instead of chunked.
func send(c echo.Context, status int, html []byte) error {
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(html)))
	return c.HTMLBlob(status, html)
}

// isHTMX reports whether htmx issued the request (and so wants a fragment).
func isHTMX(c echo.Context) bool {
	return c.Request().Header.Get("HX-Request") == "true" &&
		c.Request().Header.Get("HX-History-Restore-Request") != "true"
}

// csrfToken is the token to embed in forms and hx-headers.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}

// page fills the layout props every full page needs.
func (h *Handlers) page(c echo.Context, title, active string) layout.Props {
	p := layout.Props{Title: title, Active: active, CSRF: csrfToken(c), Demo: h.Demo}
	if u, ok := currentUser(c); ok {
		p.User = &layout.User{Name: u.Username, Role: string(u.Role)}
		if r, ok := c.Get(ctxAppRole).(auth.Role); ok {
			p.User.Role = string(r) // the role in this page's app
		}
	}
	h.appLayout(c, &p)
	return p
}

// redirect answers a plain request with 303 and an htmx one with HX-Redirect,
// which makes htmx do a full navigation instead of swapping a login page
// into a fragment.
func redirect(c echo.Context, to string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}
