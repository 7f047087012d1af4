package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func eventRows(t *testing.T, env *apptest.Env, action string) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	err := env.Audit.Export(context.Background(), audit.Filter{Action: action}, func(r audit.Record) error {
		out = append(out, r.Entry)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Finding 3: a viewer's GET /bulk/<60,000 bytes> stored the whole path twice
// plus an unclipped user agent, 40 of them 9 MB of undeletable log. Now
// each stored string is clipped with a visible marker, and identical
// refusals within a minute are one entry plus one with the count.
func TestRefusalFloodIsClippedAndFolded(t *testing.T) {
	clock := &testClock{t: time.Now()}
	env := apptest.New(t, apptest.Options{Now: clock.Now})
	env.CreateUser(t, "vic", auth.RoleViewer)
	vic := env.Login(t, "vic")
	long := "/bulk/" + strings.Repeat("A", 60000)
	ua := strings.Repeat("Mozilla/5.0 ", 250) + "x" // 3,001 bytes
	for range 40 {
		if r := vic.Get(long, "User-Agent", ua); r.StatusCode != http.StatusForbidden {
			t.Fatalf("GET long path: %d", r.StatusCode)
		}
	}
	rows := eventRows(t, env, audit.ActionDenied)
	if len(rows) != 1 {
		t.Fatalf("%d refusal rows for 40 identical refusals, want 1", len(rows))
	}
	e := rows[0]
	size := len(e.RoomID) + len(e.Detail) + len(e.UserAgent) + len(e.Actor)
	if size > 2048 || !strings.Contains(e.RoomID, "…[truncated, 60000 bytes]") ||
		!strings.Contains(e.UserAgent, "[truncated, 3001 bytes]") {
		t.Fatalf("refusal row holds %d bytes of request text: room …%q, ua …%q", size, e.RoomID[len(e.RoomID)-40:], e.UserAgent[len(e.UserAgent)-40:])
	}
	// When the minute is over (and not a second before), the next request
	// writes the count.
	clock.Add(59 * time.Second)
	vic.Get("/rooms")
	if rows = eventRows(t, env, audit.ActionDenied); len(rows) != 1 {
		t.Fatalf("count written %d rows in, before the minute is over", len(rows))
	}
	clock.Add(time.Second)
	vic.Get("/rooms")
	rows = eventRows(t, env, audit.ActionDenied)
	if len(rows) != 2 || !strings.HasPrefix(rows[0].Detail, "39 more identical refusals") || rows[0].Actor != "vic" {
		t.Fatalf("after the minute: %d rows, newest %q", len(rows), rows[0].Detail)
	}
	// Failed sign-ins with an enormous username are clipped too.
	env.Client(t).PostForm("/login", url.Values{"username": {strings.Repeat("x", 50000)}, "password": {"whatever password"}},
		"User-Agent", ua)
	failed := eventRows(t, env, audit.ActionLoginFailed)
	if len(failed) != 1 || len(failed[0].Actor) > 300 || len(failed[0].UserAgent) > 300 ||
		!strings.Contains(failed[0].Actor, "[truncated, 50000 bytes]") {
		t.Fatalf("failed sign-in row: %d rows, actor %d bytes, ua %d bytes", len(failed), len(failed[0].Actor), len(failed[0].UserAgent))
	}
}
