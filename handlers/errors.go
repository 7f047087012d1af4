package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/errorpage"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// friendly names, for each status, the title and message a user reads
// (errors.T<status>, errors.M<status>): never internals.
var friendly = map[int]bool{
	http.StatusBadRequest: true, http.StatusForbidden: true, http.StatusNotFound: true,
	http.StatusMethodNotAllowed: true, http.StatusRequestEntityTooLarge: true, http.StatusTooManyRequests: true,
	http.StatusInternalServerError: true, http.StatusServiceUnavailable: true,
}

var (
	// errCSRF marks a request refused for a missing or wrong CSRF token.
	errCSRF = echo.NewHTTPError(http.StatusForbidden, "csrf")
	// errCrossSite marks a state-changing request from another origin
	// (net/http.CrossOriginProtection: Sec-Fetch-Site or Origin).
	errCrossSite = echo.NewHTTPError(http.StatusForbidden, "cross-site request")
)

// problemFor is the one mapping from the errors of the use cases and the
// Tencent client to what a person reads (in the language of ctx), and the
// status: the room pages, the room list and ErrorHandler all come through
// here. ok is false for any other error (ErrorHandler then explains it by
// status).
func problemFor(ctx context.Context, err error, roomID string) (p roomsview.Problem, ok bool) {
	var ve *rooms.ValidationError
	var ae *tencent.APIError
	var xr *exportRefusal
	t := func(id string) string { return i18n.T(ctx, "errors."+id) }
	switch {
	case errors.As(err, &xr):
		return roomsview.Problem{Status: http.StatusBadRequest, Title: i18n.T(ctx, "audit.ExportRefused"), Message: xr.message}, true
	case errors.As(err, &ve) && ve.Fields[rooms.FieldRoomID] != "":
		return roomsview.Problem{Status: http.StatusNotFound, Title: t("TBadRoomID"),
			Message: problemText(ctx, ve.Problems[rooms.FieldRoomID])}, true
	case errors.Is(err, rooms.ErrAuditUnavailable):
		return roomsview.Problem{Status: http.StatusServiceUnavailable, Title: t("TAuditDown"), Message: t("MAuditDown")}, true
	case lostDB(err):
		// A lost database connection (a PostgreSQL restart) is not a bug:
		// say so, and that trying again will work once it is back.
		return roomsview.Problem{Status: http.StatusServiceUnavailable, Title: t("TDBDown"), Message: t("MDBDown")}, true
	case errors.Is(err, tencent.ErrUnreachable):
		return roomsview.Problem{Status: http.StatusServiceUnavailable, Title: t("TUnreachable"), Message: t("MUnreachable")}, true
	case errors.Is(err, tencent.ErrBadResponse): // JSON of the wrong shape: a proxy or an API change, not a 500
		return roomsview.Problem{Status: http.StatusBadGateway, Title: t("TBadResponse"), Message: t("MBadResponse")}, true
	case errors.As(err, &ae):
		p := roomsview.Problem{Status: http.StatusBadGateway, Title: t("TRefused"), Message: t("MRefused"),
			Code: ae.Code, Meaning: meaningText(ctx, ae.Code), RequestID: ae.RequestID}
		if errors.Is(err, rooms.ErrRoomNotFound) {
			p.Status, p.Title = http.StatusNotFound, t("TRoomNotFound")
			p.Message = i18n.Tf(ctx, "errors.MRoomNotFound", map[string]any{"RoomID": strconv.Quote(roomID)})
		}
		return p, true
	}
	return roomsview.Problem{}, false
}

// statusProblem explains any other error by its HTTP status (500 unless
// it is an *echo.HTTPError), with the CSRF refusals told apart.
func statusProblem(ctx context.Context, err error) roomsview.Problem {
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	t := func(id string) string { return i18n.T(ctx, "errors."+id) }
	p := roomsview.Problem{Status: status, Title: i18n.Tf(ctx, "errors.TOther", map[string]any{"Status": status}), Message: t("MOther")}
	switch {
	case errors.Is(err, errCSRF):
		p.Title, p.Message = t("TCSRF"), t("MCSRF")
	case errors.Is(err, errCrossSite):
		p.Title, p.Message = t("TCrossSite"), t("MCrossSite")
	case friendly[status]:
		code := strconv.Itoa(status)
		p.Title, p.Message = t("T"+code), t("M"+code)
	}
	return p
}

// problemLine is a problem in one sentence, for a page that shows it in
// an alert rather than on a page of its own.
func problemLine(ctx context.Context, p roomsview.Problem) string {
	if p.Code != 0 {
		return i18n.Tf(ctx, "errors.Line", map[string]any{"Title": p.Title, "Code": p.Code, "Meaning": p.Meaning, "RequestID": p.RequestID})
	}
	return i18n.Tf(ctx, "errors.LinePlain", map[string]any{"Title": p.Title, "Message": p.Message})
}

// ErrorHandler is Echo's central HTTPErrorHandler: a full product-looking
// page for navigations, a fragment for htmx, no stack traces or internal
// messages either way. 5xx are logged as errors, 4xx as warnings.
func (h *Handlers) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ctx := c.Request().Context()
	prob, ok := problemFor(ctx, err, roomIDParam(c))
	if !ok {
		prob = statusProblem(ctx, err)
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
