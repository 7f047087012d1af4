package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// Finding 2: with an admin's session cookie, a request carrying a planted
// roomdesk_csrf=x cookie and _csrf=x in the body (same-site, or no
// Sec-Fetch-Site) created an admin user. The token is now derived from the
// server-side session, so no planted cookie can match it, and a request
// from another origin is refused whatever it carries.
func TestPlantedCSRFCookieCannotPass(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	c := env.Login(t, "ada")
	u := mustURL(t, env.URL)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "roomdesk_csrf", Value: "x", Path: "/"},
		{Name: "_csrf", Value: "x", Path: "/"}})
	const ct = "application/x-www-form-urlencoded"
	tests := []struct {
		name   string
		header []string
	}{
		{"planted token, same-site", []string{"Sec-Fetch-Site", "same-site"}},
		{"planted token, no Sec-Fetch-Site", nil},
		{"planted token in header too", []string{"X-CSRF-Token", "x"}},
		{"other origin, old browser", []string{"Origin", "https://evil.example"}},
		{"other origin with the real token", []string{"Origin", "https://evil.example", "X-CSRF-Token", c.CSRFToken()}},
		{"sibling subdomain with the real token", []string{"Sec-Fetch-Site", "same-site", "X-CSRF-Token", c.CSRFToken()}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "forged" + string(rune('a'+i))
			v := url.Values{"username": {name}, "role": {"admin"}, "password": {apptest.Password},
				"confirm": {apptest.Password}, "_csrf": {"x"}}
			r := c.Do(http.MethodPost, "/admin/users", strings.NewReader(v.Encode()), append([]string{"Content-Type", ct}, tc.header...)...)
			if r.StatusCode != http.StatusForbidden {
				t.Fatalf("got %d, want 403", r.StatusCode)
			}
			if _, err := env.Auth.ByUsername(context.Background(), name); err == nil {
				t.Fatal("forged request created an admin")
			}
		})
	}
}

// The token changes at sign-in (and at every new sign-in), and the old
// one no longer works.
func TestCSRFTokenRotatesAtLogin(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	c := env.Client(t)
	anon := c.CSRFToken()
	if anon == "" {
		t.Fatal("sign-in page has no token")
	}
	if r := c.PostForm("/login", url.Values{"username": {"ada"}, "password": {apptest.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %v", r)
	}
	first := c.CSRFToken()
	if first == "" || first == anon {
		t.Fatalf("token did not change at sign-in: %q", first)
	}
	if r := c.PostForm("/login", url.Values{"username": {"ada"}, "password": {apptest.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %v", r)
	}
	second := c.CSRFToken()
	if second == first {
		t.Fatal("token did not change at the second sign-in")
	}
	v := url.Values{"username": {"stale"}, "role": {"viewer"}, "password": {apptest.Password}, "confirm": {apptest.Password}}
	r := c.Do(http.MethodPost, "/admin/users", strings.NewReader(v.Encode()),
		"Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", first)
	if r.StatusCode != http.StatusForbidden {
		t.Fatalf("the previous session's token was accepted: %d", r.StatusCode)
	}
}

// Over HTTPS (here: a TLS-terminating proxy saying so, trusted as the
// README requires) the session cookie is __Host- prefixed and Secure, so no
// other host or path can set it.
func TestHostPrefixedCookieOverHTTPS(t *testing.T) {
	env := apptest.New(t, apptest.Options{Environ: map[string]string{"ROOMDESK_TRUSTED_PROXIES": "127.0.0.1/32"}})
	r := env.Client(t).Get("/login", "X-Forwarded-Proto", "https")
	var found *http.Cookie
	for _, ck := range r.Cookies() {
		if strings.HasSuffix(ck.Name, "roomdesk_session") {
			found = ck
		}
	}
	if found == nil || found.Name != "__Host-roomdesk_session" || !found.Secure || found.Path != "/" || found.Domain != "" || !found.HttpOnly {
		t.Fatalf("cookie over https: %+v", found)
	}
	for _, ck := range r.Cookies() {
		if ck.Name == "roomdesk_csrf" {
			t.Error("a CSRF cookie is still set")
		}
	}
}
