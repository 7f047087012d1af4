package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/views/errorpage"
)

// friendly is what a user reads for each status: never internals.
var friendly = map[int][2]string{
	http.StatusBadRequest:            {"That request could not be understood", "Something in the request was malformed. Go back and try again."},
	http.StatusForbidden:             {"You don't have access to this", "Your role does not allow this action. Ask an admin if you need it."},
	http.StatusNotFound:              {"Page not found", "There is nothing at this address."},
	http.StatusMethodNotAllowed:      {"Not allowed here", "This address does not accept that kind of request."},
	http.StatusRequestEntityTooLarge: {"That upload is too large", "Send a smaller file or fewer rows."},
	http.StatusTooManyRequests:       {"Slow down", "Too many requests. Wait a moment and try again."},
	http.StatusInternalServerError:   {"Something went wrong on our side", "The error has been logged. Try again; if it keeps happening, tell your admin the reference below."},
	http.StatusServiceUnavailable:    {"Temporarily unavailable", "A service roomdesk depends on is not answering. Try again shortly."},
}

// errCSRF marks a request refused for a missing or wrong CSRF token.
var errCSRF = echo.NewHTTPError(http.StatusForbidden, "csrf")

// ErrorHandler is Echo's central HTTPErrorHandler: a full product-looking
// page for navigations, a fragment for htmx, no stack traces or internal
// messages either way. 5xx are logged as errors, 4xx as warnings.
func (h *Handlers) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	ref := c.Response().Header().Get(echo.HeaderXRequestID)
	log := h.Logger.With("status", status, "method", c.Request().Method,
		"path", c.Request().URL.Path, "request_id", ref, "err", err)
	if status >= 500 {
		log.Error("request failed")
	} else {
		log.Warn("request refused")
	}
	if status == http.StatusUnauthorized {
		// A session ended under an htmx request (e.g. a disabled user):
		// send the browser to sign in rather than swapping an error in.
		_ = redirect(c, "/login")
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	title, message := explain(status, he)
	p := errorpage.Props{Layout: h.page(c, title, ""), Status: status, Title: title, Message: message}
	if status >= 500 {
		p.Ref = ref
	}
	if isHTMX(c) {
		_ = render(c, status, errorpage.Fragment(p))
		return
	}
	_ = render(c, status, errorpage.Page(p))
}

// explain gives the title and message a person reads for an error.
func explain(status int, he *echo.HTTPError) (title, message string) {
	switch {
	case he == errCSRF:
		return "This form has expired", "Reload the page and submit again."
	case he != nil && strings.HasPrefix(fmt.Sprint(he.Message), "cross-site request blocked"):
		// Echo's CSRF middleware refuses a cross-site POST itself (Sec-Fetch-Site).
		return "Request blocked", "This form was sent from another website, so roomdesk refused it. Open roomdesk directly and try again."
	}
	if text, ok := friendly[status]; ok {
		return text[0], text[1]
	}
	return http.StatusText(status), "The request could not be completed."
}
