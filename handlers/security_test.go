package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

func TestRoleRefusalsAreAudited(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "vic", auth.RoleViewer)
	env.CreateUser(t, "otto", auth.RoleOperator)
	viewer, operator := env.Login(t, "vic"), env.Login(t, "otto")

	tests := []struct {
		name   string
		c      *apptest.Client
		method string
		path   string
		detail string
	}{
		{"viewer edits a room", viewer, http.MethodPost, "/rooms/live-1", "POST /rooms/live-1 needs role operator; vic has viewer"},
		{"viewer opens users", viewer, http.MethodGet, "/admin/users", "GET /admin/users needs role admin; vic has viewer"},
		{"operator opens users", operator, http.MethodGet, "/admin/users", "GET /admin/users needs role admin; otto has operator"},
		{"operator adds a user", operator, http.MethodPost, "/admin/users", "POST /admin/users needs role admin; otto has operator"},
		{"operator disables a user", operator, http.MethodPost, "/admin/users/1/disable", "POST /admin/users/1/disable needs role admin; otto has operator"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r *apptest.Response
			if tc.method == http.MethodPost {
				r = tc.c.PostForm(tc.path, url.Values{"RoomName": {"hijacked"}, "username": {"evil"}})
			} else {
				r = tc.c.Get(tc.path)
			}
			if r.StatusCode != http.StatusForbidden {
				t.Fatalf("%s %s: %v", tc.method, tc.path, r)
			}
			if tc.method == http.MethodGet && testidText(t, r, "error-page") == "" {
				t.Error("403 page is empty")
			}
			if !deniedLogged(t, env, tc.detail) {
				t.Errorf("no access.denied audit row with detail %q", tc.detail)
			}
		})
	}
	// The refused POST changed nothing.
	if _, err := env.Auth.ByUsername(context.Background(), "evil"); err == nil {
		t.Error("an operator's refused POST /admin/users created a user")
	}
	// The navigation does not offer what the role may not do.
	if doc := doc(t, viewer.Get("/audit")); doc.Find(`a[href="/admin/users"]`).Length() != 0 {
		t.Error("a viewer's navigation links to /admin/users")
	}
}

func deniedLogged(t *testing.T, env *apptest.Env, detail string) bool {
	t.Helper()
	page, err := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionDenied}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Records {
		if r.Entry.Detail == detail && r.Entry.Outcome == audit.OutcomeDenied && r.Entry.ClientIP == "127.0.0.1" {
			return true
		}
	}
	return false
}

func TestCSRF(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	c := env.Login(t, "ada")
	form := func(name string) *strings.Reader {
		return strings.NewReader(url.Values{"username": {name}, "role": {"viewer"},
			"password": {apptest.Password}, "confirm": {apptest.Password}}.Encode())
	}
	const ct = "application/x-www-form-urlencoded"
	tests := []struct {
		name   string
		user   string
		header []string
		want   int
	}{
		{"no token", "nobody1", []string{"Content-Type", ct}, http.StatusForbidden},
		{"wrong token", "nobody2", []string{"Content-Type", ct, "X-CSRF-Token", "not-the-token"}, http.StatusForbidden},
		{"cross-site browser with token", "nobody3", []string{"Content-Type", ct, "X-CSRF-Token", c.CSRFToken(), "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"same-site browser without token", "nobody4", []string{"Content-Type", ct, "Sec-Fetch-Site", "same-site"}, http.StatusForbidden},
		{"right token", "somebody1", []string{"Content-Type", ct, "X-CSRF-Token", c.CSRFToken()}, http.StatusOK},
		{"right token in the form field", "somebody2", nil, http.StatusOK},
		{"same-origin browser without token", "somebody3", []string{"Content-Type", ct, "Sec-Fetch-Site", "same-origin"}, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r *apptest.Response
			if tc.header == nil {
				v := url.Values{"username": {tc.user}, "role": {"viewer"}, "password": {apptest.Password},
					"confirm": {apptest.Password}, "_csrf": {c.CSRFToken()}}
				r = c.Do(http.MethodPost, "/admin/users", strings.NewReader(v.Encode()), "Content-Type", ct)
			} else {
				r = c.Do(http.MethodPost, "/admin/users", form(tc.user), tc.header...)
			}
			if r.StatusCode != tc.want {
				t.Fatalf("got %v, want %d", r, tc.want)
			}
			_, err := env.Auth.ByUsername(context.Background(), tc.user)
			if created := err == nil; created != (tc.want == http.StatusOK) {
				t.Errorf("user %s created = %v", tc.user, created)
			}
			if tc.want == http.StatusForbidden {
				msg := testidText(t, r, "error-page")
				if want := map[bool]string{true: "another website", false: "This form has expired"}[strings.HasPrefix(tc.name, "cross-site") || strings.HasPrefix(tc.name, "same-site")]; !strings.Contains(msg, want) {
					t.Errorf("refusal page says %q, want %q", msg, want)
				}
			}
		})
	}

	// A real browser (Sec-Fetch-Site: same-origin) signs in and out with
	// the dummy token Echo renders for it.
	b := env.Client(t)
	b.Browser = true
	if r := b.Do(http.MethodPost, "/login", strings.NewReader(url.Values{"username": {"ada"}, "password": {apptest.Password}}.Encode()), "Content-Type", ct); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("browser login: %v", r)
	}
	if r := b.Get("/admin/users"); r.StatusCode != http.StatusOK {
		t.Fatalf("browser page: %v", r)
	}
	// Login CSRF: a cross-site POST /login is refused before any password check.
	x := env.Client(t)
	r := x.Do(http.MethodPost, "/login", strings.NewReader(url.Values{"username": {"ada"}, "password": {apptest.Password}}.Encode()),
		"Content-Type", ct, "Sec-Fetch-Site", "cross-site")
	if r.StatusCode != http.StatusForbidden || findCookie(r.Cookies(), "roomdesk_session") != nil {
		t.Fatalf("cross-site login: %v", r)
	}
}

func TestSecurityHeaders(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "vic", auth.RoleViewer)
	c := env.Login(t, "vic")
	for _, path := range []string{"/login", "/audit", "/nope", "/healthz", "/static/css/app.css"} {
		t.Run(path, func(t *testing.T) {
			r := c.Get(path)
			h := r.Header
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP allows unsafe sources: %q", csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", h.Get("X-Content-Type-Options"))
			}
			if h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("Referrer-Policy %q, X-Frame-Options %q", h.Get("Referrer-Policy"), h.Get("X-Frame-Options"))
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Error("HSTS over plain HTTP")
			}
		})
	}
	for _, path := range []string{"/login", "/audit"} {
		if cc := c.Get(path).Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s Cache-Control = %q", path, cc)
		}
	}
	// X-Forwarded-Proto is believed from a trusted proxy only (README,
	// ROOMDESK_TRUSTED_PROXIES); from anyone else it is a claim.
	if hsts := c.Get("/login", "X-Forwarded-Proto", "https").Header.Get("Strict-Transport-Security"); hsts != "" {
		t.Errorf("HSTS for an untrusted peer's X-Forwarded-Proto = %q", hsts)
	}
	proxied := apptest.New(t, apptest.Options{Environ: map[string]string{"ROOMDESK_TRUSTED_PROXIES": "127.0.0.1/32"}})
	r := proxied.Client(t).Get("/login", "X-Forwarded-Proto", "https")
	if hsts := r.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("HSTS behind an HTTPS proxy = %q", hsts)
	}
}

func TestErrorPages(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "vic", auth.RoleViewer)
	signedOut, viewer := env.Client(t), env.Login(t, "vic")
	for name, c := range map[string]*apptest.Client{"signed out": signedOut, "viewer": viewer} {
		t.Run(name, func(t *testing.T) {
			r := c.Get("/nope")
			if r.StatusCode != http.StatusNotFound {
				t.Fatalf("GET /nope: %v", r)
			}
			d := doc(t, r)
			page := d.Find(`[data-testid="error-page"]`)
			if page.Length() != 1 || !strings.Contains(page.Text(), "Page not found") {
				t.Fatalf("404 is not the product's error page: %v", r)
			}
			if d.Find("link[rel=stylesheet]").Length() == 0 {
				t.Error("404 page has no stylesheet")
			}
			for _, leak := range []string{"goroutine", ".go:", "echo.", "Not Found\n"} {
				if strings.Contains(r.Body, leak) {
					t.Errorf("404 page leaks %q", leak)
				}
			}
			hx := c.Get("/nope", apptest.HTMX...)
			hdoc := doc(t, hx)
			if hx.StatusCode != http.StatusNotFound || hdoc.Find(`[data-testid="error-fragment"]`).Length() != 1 ||
				strings.Contains(hx.Body, "<html") || strings.Contains(hx.Body, "<!doctype") {
				t.Fatalf("htmx 404 is not a fragment: %v", hx)
			}
		})
	}
	// A signed-in user's error page keeps the console's navigation.
	if doc := doc(t, viewer.Get("/nope")); doc.Find(`[data-testid="whoami"]`).Length() != 1 {
		t.Error("404 for a signed-in user lost the top bar")
	}
	// An unknown URL is not a refusal: nothing is audited for it.
	if page, err := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionDenied}, 0, 10); err != nil || len(page.Records) != 0 {
		t.Errorf("404s audited as refusals: %v %v", page.Records, err)
	}
}
