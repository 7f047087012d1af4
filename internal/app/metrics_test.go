package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
)

// Finding 5 (second half): /metrics was anonymous on the console's own
// listener. It now lives only on MetricsHandler, which `roomdesk serve`
// binds to ROOMDESK_METRICS_ADDR.
func TestMetricsNotOnTheConsoleListener(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	resp, err := http.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "roomdesk_") {
		t.Fatalf("console listener serves metrics: %d", resp.StatusCode)
	}
	rec := httptest.NewRecorder()
	env.MetricsHandler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "roomdesk_") {
		t.Fatalf("metrics handler: %d %.200s", rec.Code, rec.Body.String())
	}
}

// Each app's Tencent calls are counted under its own label: each app has
// its own quota at Tencent.
func TestTencentMetricsPerApp(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	for _, a := range env.Apps.All() {
		if _, err := a.Rooms.Get(t.Context(), "live_1001"); err != nil {
			t.Fatal(err)
		}
	}
	rec := httptest.NewRecorder()
	env.MetricsHandler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, id := range []string{"demo-cn", "demo-sg"} {
		want := `roomdesk_tencent_calls_total{app="` + id + `",code="0",command="get_room_info"}`
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("no %s in /metrics", want)
		}
	}
}
