package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/errorpage"
	"github.com/roomdesk/roomdesk/views/roomsview"
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

var (
	// errCSRF marks a request refused for a missing or wrong CSRF token.
	errCSRF = echo.NewHTTPError(http.StatusForbidden, "csrf")
	// errCrossSite marks a state-changing request from another origin
	// (net/http.CrossOriginProtection: Sec-Fetch-Site or Origin).
	errCrossSite = echo.NewHTTPError(http.StatusForbidden, "cross-site request")
)

// problemFor is the one mapping from the errors of the use cases and the
// Tencent client to what a person reads, and the status: the room pages,
// the room list and ErrorHandler all come through here. ok is false for
// any other error (ErrorHandler then explains it by status).
func problemFor(err error, roomID string) (p roomsview.Problem, ok bool) {
	var ve *rooms.ValidationError
	var ae *tencent.APIError
	switch {
	case errors.As(err, &ve) && ve.Fields[rooms.FieldRoomID] != "":
		return roomsview.Problem{Status: http.StatusNotFound, Title: "Not a valid RoomId",
			Message: ve.Fields[rooms.FieldRoomID]}, true
	case errors.Is(err, rooms.ErrAuditUnavailable):
		return roomsview.Problem{Status: http.StatusServiceUnavailable, Title: "Not sent: the audit log is unavailable",
			Message: "roomdesk could not record your change in the audit log, so it was not sent to Tencent. Nothing changed. Try again shortly; if it persists, tell your admin."}, true
	case lostDB(err):
		// A lost database connection (a PostgreSQL restart) is not a bug:
		// say so, and that trying again will work once it is back.
		return roomsview.Problem{Status: http.StatusServiceUnavailable, Title: "Database unavailable, try again",
			Message: "roomdesk lost its connection to the database (a restart?). Nothing was changed by this request unless the audit log says so. Try again in a moment."}, true
	case errors.Is(err, tencent.ErrUnreachable):
		return roomsview.Problem{Status: http.StatusServiceUnavailable, Title: "Tencent is not answering",
			Message: "roomdesk could not reach Tencent's live room API, so nothing was read and nothing was sent. Try again in a moment."}, true
	case errors.Is(err, tencent.ErrBadResponse): // JSON of the wrong shape: a proxy or an API change, not a 500
		return roomsview.Problem{Status: http.StatusBadGateway, Title: "Tencent's answer could not be read", Message: "Tencent, or something in front of it, answered in a form roomdesk does not understand, so nothing was shown and nothing was sent. Try again; if it persists, tell your admin."}, true
	case errors.As(err, &ae):
		p := roomsview.Problem{Status: http.StatusBadGateway, Title: "Tencent refused the request",
			Message: "Tencent answered with an error, so nothing was changed.",
			Code:    ae.Code, Meaning: tencent.Describe(ae.Code).Meaning, RequestID: ae.RequestID}
		if errors.Is(err, rooms.ErrRoomNotFound) {
			p.Status, p.Title = http.StatusNotFound, "Room not found"
			p.Message = "Tencent has no live room with RoomId " + strconv.Quote(roomID) +
				". It may have been dismissed, or the id may be mistyped."
		}
		return p, true
	}
	return roomsview.Problem{}, false
}

// statusProblem explains any other error by its HTTP status (500 unless
// it is an *echo.HTTPError), with the CSRF refusals told apart.
func statusProblem(err error) roomsview.Problem {
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	p := roomsview.Problem{Status: status, Title: http.StatusText(status), Message: "The request could not be completed."}
	switch {
	case errors.Is(err, errCSRF):
		p.Title, p.Message = "This form has expired", "Reload the page and submit again."
	case errors.Is(err, errCrossSite):
		p.Title, p.Message = "Request blocked", "This form was sent from another website, so roomdesk refused it. Open roomdesk directly and try again."
	default:
		if text, ok := friendly[status]; ok {
			p.Title, p.Message = text[0], text[1]
		}
	}
	return p
}

// problemLine is a problem in one sentence, for a page that shows it in
// an alert rather than on a page of its own.
func problemLine(p roomsview.Problem) string {
	if p.Code != 0 {
		return fmt.Sprintf("%s: error %d, %s (RequestId %s).", p.Title, p.Code, p.Meaning, p.RequestID)
	}
	return p.Title + ". " + p.Message
}

// ErrorHandler is Echo's central HTTPErrorHandler: a full product-looking
// page for navigations, a fragment for htmx, no stack traces or internal
// messages either way. 5xx are logged as errors, 4xx as warnings.
func (h *Handlers) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	prob, ok := problemFor(err, roomIDParam(c))
	if !ok {
		prob = statusProblem(err)
	}
	status := prob.Status
	ref := c.Response().Header().Get(echo.HeaderXRequestID)
	log := h.Logger.With("status", status, "method", c.Request().Method,
		"path", safetext.Clip(c.Request().URL.Path, safetext.DefaultMax), "request_id", ref, "err", err)
	if status >= 500 {
		log.Error("request failed")
	} else {
		log.Warn("request refused")
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "2")
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
	p := errorpage.Props{Layout: h.page(c, prob.Title, ""), Status: status, Title: prob.Title, Message: prob.Message,
		Code: prob.Code, Meaning: prob.Meaning, RequestID: prob.RequestID}
	if status >= 500 {
		p.Ref = ref
	}
	if isHTMX(c) {
		_ = render(c, status, errorpage.Fragment(p))
		return
	}
	_ = render(c, status, errorpage.Page(p))
}
