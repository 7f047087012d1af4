package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// Finding 10: after PostgreSQL restarts, one request per pooled connection
// answered 500. Terminating roomdesk's backends (what a restart does to
// them) must cost no 500: a safe request is retried on a live connection,
// anything else gets "database unavailable, try again" (503).
func TestPostgresRestartAnswersNo500(t *testing.T) {
	dsn := dbtest.NewPostgresDatabase(t)
	env := apptest.New(t, apptest.Options{DatabaseURL: dsn})
	env.CreateUser(t, "vic", auth.RoleOperator)
	clients := make([]*apptest.Client, 8)
	for i := range clients {
		clients[i] = env.Login(t, "vic")
	}
	// Fill the pool: every connection has served a request.
	hammer := func(path string) []*apptest.Response {
		var mu sync.Mutex
		var out []*apptest.Response
		var wg sync.WaitGroup
		for _, c := range clients {
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := c.Get(path)
					mu.Lock()
					out = append(out, r)
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
		return out
	}
	hammer("/audit")
	tokens := make([]string, len(clients))
	for i, c := range clients {
		tokens[i] = c.CSRFToken()
	}

	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var killed int
	if err := admin.QueryRowContext(context.Background(), `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Fatal("no roomdesk connection to terminate")
	}

	var got []*apptest.Response
	got = append(got, hammer("/audit")...)
	// Unsafe requests too: none may answer 500.
	for i, c := range clients {
		got = append(got, c.Do(http.MethodPost, "/bulk/preview",
			strings.NewReader(url.Values{"rooms": {"live-1"}, "change": {"Notice"}, "Notice": {"hi"}}.Encode()),
			"Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", tokens[i]))
	}
	ok, unavailable := 0, 0
	for _, r := range got {
		switch {
		case r.StatusCode == http.StatusOK || r.StatusCode == http.StatusUnprocessableEntity:
			ok++
		case r.StatusCode == http.StatusServiceUnavailable && strings.Contains(r.Body, "Database unavailable, try again"):
			unavailable++
		default:
			t.Errorf("after the restart: HTTP %d: %.300s", r.StatusCode, r.Body)
		}
	}
	t.Logf("%d terminated backends; %d requests answered, %d said database unavailable", killed, ok, unavailable)
	// Once the dead connections are gone, everything works again.
	for _, r := range hammer("/audit") {
		if r.StatusCode != http.StatusOK {
			t.Fatalf("after recovery: %d", r.StatusCode)
		}
	}
}
