package handlers

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/tencent"
)

// retryOnLostDB runs a safe request once more when a dead pooled database
// connection failed it, and nothing else: not an unsafe request, not
// another error, not a Tencent timeout, not a response already begun. The
// PostgreSQL restart test proves it end to end; this one runs everywhere.
func TestRetryOnLostDB(t *testing.T) {
	lost := fmt.Errorf("audit: list: %w", driver.ErrBadConn)
	for _, tc := range []struct {
		name, method string
		first        error
		commit       bool
		calls        int
	}{
		{"GET, connection lost", http.MethodGet, lost, false, 2},
		{"HEAD, connection lost", http.MethodHead, lost, false, 2},
		{"POST, connection lost", http.MethodPost, lost, false, 1},
		{"GET, succeeded", http.MethodGet, nil, false, 1},
		{"GET, other error", http.MethodGet, errors.New("no such room"), false, 1},
		{"GET, Tencent unreachable", http.MethodGet, fmt.Errorf("%w: %w", tencent.ErrUnreachable, driver.ErrBadConn), false, 1},
		{"GET, response begun", http.MethodGet, lost, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			h := retryOnLostDB(func(c echo.Context) error {
				calls++
				if calls > 1 {
					return c.NoContent(http.StatusOK)
				}
				c.Response().Header().Add("Set-Cookie", "half=written")
				if tc.commit {
					c.Response().WriteHeader(http.StatusOK)
				}
				return tc.first
			})
			rec := httptest.NewRecorder()
			err := h(echo.New().NewContext(httptest.NewRequest(tc.method, "/audit", nil), rec))
			if calls != tc.calls {
				t.Fatalf("handler ran %d times, want %d", calls, tc.calls)
			}
			if tc.calls == 2 && (err != nil || rec.Header().Get("Set-Cookie") != "") {
				t.Errorf("retry: err %v, Set-Cookie of the failed run %q", err, rec.Header().Get("Set-Cookie"))
			}
			if tc.calls == 1 && !errors.Is(err, tc.first) {
				t.Errorf("err %v, want the handler's %v", err, tc.first)
			}
		})
	}
}
