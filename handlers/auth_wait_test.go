package handlers

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// waitText turns a lockout's Retry-After into words; the boundary between
// seconds and minutes is where a wrong comparison would show.
func TestWaitText(t *testing.T) {
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/login", nil), httptest.NewRecorder())
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{time.Second, "1 second"},
		{59 * time.Second, "59 seconds"},
		{58*time.Second + time.Millisecond, "59 seconds"}, // rounded up: never promise less than the wait
		{60 * time.Second, "a minute"},
		{61 * time.Second, "2 minutes"},
		{15 * time.Minute, "15 minutes"},
	} {
		if got := waitText(c, tc.d); got != tc.want {
			t.Errorf("waitText(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
