package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
)

// TestForwardedHeadersEndToEnd: the whole console, over real HTTP from
// 127.0.0.1, with forged X-Forwarded-For and -Proto. Without
// ROOMDESK_TRUSTED_PROXIES the audit log records the TCP peer, the per-IP
// sign-in throttle counts the peer (rotating a forged header does not
// escape it), and neither HSTS nor a __Host- cookie answers a claimed HTTPS. With the peer listed
// as a proxy, each forwarded address is its own client and HTTPS is
// believed.
func TestForwardedHeadersEndToEnd(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now } // the throttle's waits never run out mid-test
	for _, tc := range []struct {
		name    string
		proxies string
		trusted bool
	}{
		{"no trusted proxies", "", false},
		{"the peer is a trusted proxy", "127.0.0.1/32", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := apptest.New(t, apptest.Options{Now: clock,
				Environ: map[string]string{"ROOMDESK_TRUSTED_PROXIES": tc.proxies}})
			c := env.Client(t)
			fail := func(i int) *apptest.Response {
				return c.PostForm("/login", url.Values{"username": {fmt.Sprintf("nobody%d", i)}, "password": {"wrong password"}},
					// The client forged the left entry; a proxy appends the
					// address it saw.
					"X-Forwarded-For", fmt.Sprintf("203.0.113.66, 198.51.100.%d", i+1))
			}
			// Ten failures, each for another username from another claimed
			// address: the per-IP limit (slow after 10) is reached only if
			// they all count against one address.
			for i := range 10 {
				if r := fail(i); r.StatusCode != http.StatusUnauthorized {
					t.Fatalf("failure %d: %v", i+1, r)
				}
			}
			r := fail(10)
			if throttled := r.StatusCode == http.StatusTooManyRequests; throttled == tc.trusted {
				t.Errorf("11th failure from a new claimed address: HTTP %d; throttled %v, want %v",
					r.StatusCode, throttled, !tc.trusted)
			}
			// The session cookie over HTTPS is Secure, which Go's cookie jar
			// will not send back over this plain-HTTP loopback: HTTPS is
			// claimed on a page of its own.
			https := c.Get("/login", "X-Forwarded-Proto", "https")
			if hsts := https.Header.Get("Strict-Transport-Security") != ""; hsts != tc.trusted {
				t.Errorf("HSTS sent %v for a claimed X-Forwarded-Proto: https, want %v", hsts, tc.trusted)
			}
			hostCookie := false
			for _, ck := range https.Cookies() {
				hostCookie = hostCookie || strings.HasPrefix(ck.Name, "__Host-")
			}
			if hostCookie != tc.trusted {
				t.Errorf("__Host- cookie set %v for a claimed X-Forwarded-Proto: https, want %v", hostCookie, tc.trusted)
			}
			page, err := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionLoginFailed}, 0, 100)
			if err != nil || len(page.Records) < 10 {
				t.Fatalf("audit: %d login failures, %v", len(page.Records), err)
			}
			for _, rec := range page.Records {
				want := "127.0.0.1"
				if tc.trusted {
					var i int
					fmt.Sscanf(rec.Entry.Actor, "nobody%d", &i)
					want = fmt.Sprintf("198.51.100.%d", i+1)
				}
				if rec.Entry.ClientIP != want {
					t.Errorf("%s: audited client IP %q, want %q", rec.Entry.Actor, rec.Entry.ClientIP, want)
				}
			}
		})
	}
}
