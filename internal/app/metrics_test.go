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
