package handlers_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/handlers"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// TestErrorHandlerMapping drives the central error handler with the errors
// a handler may let escape, and checks each one's status and what the page
// says, as a full page and as an htmx fragment.
func TestErrorHandlerMapping(t *testing.T) {
	refusal := &tencent.APIError{Command: "get_room_list", Code: tencent.CodeNotPermitted,
		Info: "internal detail", RequestID: "Id-escaped-1"}
	cases := []struct {
		name   string
		err    error
		status int
		want   []string // in the error page's text
	}{
		{"escaped Tencent refusal", fmt.Errorf("rooms: list: %w", refusal), http.StatusBadGateway,
			[]string{"Tencent refused the request", "100006", tencent.Describe(tencent.CodeNotPermitted).Meaning, "Id-escaped-1"}},
		{"Tencent unreachable", fmt.Errorf("rooms: get: %w", tencent.ErrUnreachable), http.StatusServiceUnavailable,
			[]string{"Tencent is not answering"}},
		{"audit log down", fmt.Errorf("rooms: update: %w", rooms.ErrAuditUnavailable), http.StatusServiceUnavailable,
			[]string{"the audit log is unavailable"}},
		{"echo 404", echo.ErrNotFound, http.StatusNotFound, []string{"Page not found"}},
		{"echo 413", echo.NewHTTPError(http.StatusRequestEntityTooLarge, "body"), http.StatusRequestEntityTooLarge,
			[]string{"That upload is too large"}},
		{"anything else", errors.New("disk on fire"), http.StatusInternalServerError,
			[]string{"Something went wrong on our side", "Reference: rid-1"}},
	}
	var log bytes.Buffer
	h := handlers.New(handlers.Deps{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	e := echo.New()
	for _, tc := range cases {
		for _, htmx := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/htmx=%v", tc.name, htmx), func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, "/rooms", nil)
				if htmx {
					req.Header.Set("HX-Request", "true")
				}
				rec := httptest.NewRecorder()
				rec.Header().Set(echo.HeaderXRequestID, "rid-1")
				log.Reset()
				h.ErrorHandler(tc.err, e.NewContext(req, rec))
				if rec.Code != tc.status {
					t.Fatalf("status %d, want %d", rec.Code, tc.status)
				}
				// 5xx are our failures (errors in the log), 4xx the client's
				// (warnings); only a 503 says when to try again.
				level := map[bool]string{true: "level=ERROR", false: "level=WARN"}[tc.status >= 500]
				if !strings.HasPrefix(log.String(), "time=") || !strings.Contains(log.String(), level) {
					t.Errorf("logged %q, want %s", log.String(), level)
				}
				if got, want := rec.Header().Get("Retry-After"), map[bool]string{true: "2"}[tc.status == http.StatusServiceUnavailable]; got != want {
					t.Errorf("Retry-After %q, want %q", got, want)
				}
				d, err := goquery.NewDocumentFromReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				id := map[bool]string{false: "error-page", true: "error-fragment"}[htmx]
				text := strings.Join(strings.Fields(d.Find(`[data-testid="`+id+`"]`).Text()), " ")
				for _, w := range tc.want {
					if !strings.Contains(text, w) {
						t.Errorf("%s does not say %q:\n%s", id, w, text)
					}
				}
				if strings.Contains(text, "internal detail") || strings.Contains(text, "disk on fire") {
					t.Errorf("internal error text shown:\n%s", text)
				}
			})
		}
	}
}
