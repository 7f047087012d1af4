package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/metrics"
)

// /readyz names each check, fails (503) if any fails, and gives the checks
// a deadline that has not already passed.
func TestReadyz(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ready  func(context.Context) map[string]error
		status int
		body   string
	}{
		{"no checks", nil, http.StatusOK, `{"checks":{},"ready":true}`},
		{"all ok", func(ctx context.Context) map[string]error {
			return map[string]error{"database": ctx.Err(), "tencent": ctx.Err()}
		}, http.StatusOK, `{"checks":{"database":"ok","tencent":"ok"},"ready":true}`},
		{"one failing", func(ctx context.Context) map[string]error {
			return map[string]error{"database": ctx.Err(), "tencent": errors.New("dial tcp: refused")}
		}, http.StatusServiceUnavailable, `{"checks":{"database":"ok","tencent":"failing"},"ready":false}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := New(Deps{Ready: tc.ready, Logger: slog.New(slog.DiscardHandler)})
			rec := httptest.NewRecorder()
			if err := h.Readyz(echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/readyz", nil), rec)); err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			norm, _ := json.Marshal(got)
			if rec.Code != tc.status || string(norm) != tc.body {
				t.Errorf("%d %s, want %d %s", rec.Code, norm, tc.status, tc.body)
			}
		})
	}
}

// Requests are counted by route pattern and the status the client got,
// including the status of an error a handler returned.
func TestMetricsMiddlewareCounts(t *testing.T) {
	m := metrics.New()
	h := New(Deps{Metrics: m, Logger: slog.New(slog.DiscardHandler)})
	e := echo.New()
	e.GET("/rooms/:id", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }, h.metricsMiddleware)
	e.GET("/gone", func(echo.Context) error { return echo.ErrNotFound }, h.metricsMiddleware)
	e.GET("/broken", func(echo.Context) error { return errors.New("disk on fire") }, h.metricsMiddleware)
	for _, p := range []string{"/rooms/a", "/rooms/b", "/gone", "/broken"} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	// route method status -> count, as /metrics would show them
	counted := map[string]float64{}
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "roomdesk_http_requests_total" {
			continue
		}
		for _, s := range f.GetMetric() {
			l := map[string]string{}
			for _, p := range s.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			counted[l["route"]+" "+l["method"]+" "+l["status"]] = s.GetCounter().GetValue()
		}
	}
	want := map[string]float64{"/rooms/:id GET 204": 2, "/gone GET 404": 1, "/broken GET 500": 1}
	if !maps.Equal(counted, want) {
		t.Errorf("counted %v, want %v", counted, want)
	}
}
