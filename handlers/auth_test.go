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

// These tests drive the real app (internal/app, as `roomdesk serve` builds
// it) over loopback HTTP: router, middleware, sessions, CSRF and views.

func TestLoginLogout(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olivia", auth.RoleOperator)

	c := env.Client(t)
	bad := c.PostForm("/login", url.Values{"username": {"olivia"}, "password": {"wrong password!"}})
	if bad.StatusCode != http.StatusUnauthorized || !strings.Contains(bad.Body, "Wrong username or password") {
		t.Fatalf("wrong password: %v", bad)
	}
	if got := testidText(t, bad, "login-error"); got != "Wrong username or password." {
		t.Errorf("login-error = %q", got)
	}
	// A first visit's sign-in form carries the token its new pre-session
	// cookie stands for: a browser's first sign-in works.
	first := env.Client(t)
	tok := doc(t, first.Get("/login")).Find(`input[name="_csrf"]`).AttrOr("value", "")
	form := url.Values{"username": {"olivia"}, "password": {apptest.Password}, "_csrf": {tok}}
	if r := first.Do(http.MethodPost, "/login", strings.NewReader(form.Encode()), "Content-Type", "application/x-www-form-urlencoded"); tok == "" || r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first visit's sign-in with token %q: %v", tok, r)
	}
	c = env.Login(t, "olivia")
	if r := c.Get("/audit"); r.StatusCode != http.StatusOK {
		t.Fatalf("signed in but refused: %v", r)
	}
	cookies := c.HTTP.Jar.Cookies(mustURL(t, env.URL))
	out := c.PostForm("/logout", nil)
	if out.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %v", out)
	}
	// The sign-in page says so after a sign-out, and only then.
	if got := testidText(t, c.Get(out.Header.Get("Location")), "login-notice"); got != "You have been signed out." {
		t.Errorf("after sign-out the notice is %q", got)
	}
	if n := testid(doc(t, c.Get("/login")), "login-notice").Length(); n != 0 {
		t.Error("a plain sign-in page says you were signed out")
	}
	// Replay the old session cookie: the server must have ended it.
	replay := env.Client(t)
	replay.HTTP.Jar.SetCookies(mustURL(t, env.URL), cookies)
	r := replay.Get("/audit")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("old session cookie still works after logout: %v", r)
	}
	// and tells the browser to delete the dead cookie at once.
	if gone := findCookie(r.Cookies(), "roomdesk_session"); gone == nil || gone.MaxAge >= 0 {
		t.Errorf("the dead session cookie is not deleted: %+v", gone)
	}
}

func TestLoginRedirects(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olivia", auth.RoleOperator)
	tests := []struct{ next, want string }{
		{"", "/rooms"},
		{"/audit?room=x", "/audit?room=x"},
		{"//evil.example/", "/rooms"},
		{"https://evil.example/", "/rooms"},
		{"/\\evil.example", "/rooms"},
		{"/\t/evil.example", "/rooms"},
		{"/\t\\evil", "/rooms"},
	}
	for _, tc := range tests {
		t.Run(tc.next, func(t *testing.T) {
			c := env.Client(t)
			r := c.PostForm("/login", url.Values{"username": {"OLIVIA"}, "password": {apptest.Password}, "next": {tc.next}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != tc.want {
				t.Fatalf("next=%q: got %d Location %q, want %q", tc.next, r.StatusCode, r.Header.Get("Location"), tc.want)
			}
		})
	}
	// Signed in, GET /login?next= redirects at once: the same rule holds.
	in := env.Login(t, "olivia")
	if r := in.Get("/login?next=/%09/evil.example"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/rooms" {
		t.Fatalf("signed-in GET /login?next=/%%09/evil.example: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	// Signed out, a page sends the browser to sign in and back.
	r := env.Client(t).Get("/audit?room=live-1")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?next="+url.QueryEscape("/audit?room=live-1") {
		t.Fatalf("signed-out GET /audit: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestLoginThrottled(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "tom", auth.RoleViewer)
	c := env.Client(t)
	wrong := url.Values{"username": {"tom"}, "password": {"not the password"}}
	var last *apptest.Response
	for range 6 {
		if last = c.PostForm("/login", wrong); last.StatusCode == http.StatusTooManyRequests {
			break
		}
		if last.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password: %v", last)
		}
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("no throttling after repeated failures: %v", last)
	}
	if msg := testidText(t, last, "login-error"); !strings.HasPrefix(msg, "Too many failed sign-ins. Try again in ") {
		t.Errorf("throttled message = %q", msg)
	}
	if last.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Even the right password is refused while throttled.
	r := c.PostForm("/login", url.Values{"username": {"tom"}, "password": {apptest.Password}})
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password while throttled: %v", r)
	}
}

func TestSessionCookie(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olivia", auth.RoleOperator)
	c := env.Client(t)
	first := c.PostForm("/login", url.Values{"username": {"olivia"}, "password": {apptest.Password}})
	sc := findCookie(first.Cookies(), "roomdesk_session")
	if sc == nil {
		t.Fatalf("login set no session cookie: %v", first.Header)
	}
	if !sc.HttpOnly || !sc.Secure || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" {
		t.Errorf("session cookie flags: HttpOnly=%v Secure=%v SameSite=%v Path=%q", sc.HttpOnly, sc.Secure, sc.SameSite, sc.Path)
	}
	if sc.MaxAge <= 0 || sc.MaxAge > 8*3600 {
		t.Errorf("session cookie Max-Age = %d, want a working day at most", sc.MaxAge)
	}
	// Signing in over an existing session renews it: a session id planted
	// before sign-in (session fixation) is worthless after it.
	again := c.PostForm("/login", url.Values{"username": {"olivia"}, "password": {apptest.Password}})
	sc2 := findCookie(again.Cookies(), "roomdesk_session")
	if sc2 == nil || sc2.Value == sc.Value {
		t.Fatal("signing in again did not renew the session cookie")
	}
	// The replaced session is over on the server.
	old := env.Client(t)
	old.HTTP.Jar.SetCookies(mustURL(t, env.URL), []*http.Cookie{{Name: sc.Name, Value: sc.Value}})
	if r := old.Get("/audit"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("session replaced by a new login still works: %v", r)
	}

	csrf := findCookie(c.Get("/login").Cookies(), "roomdesk_csrf")
	if csrf != nil && (!csrf.HttpOnly || csrf.SameSite != http.SameSiteStrictMode) {
		t.Errorf("csrf cookie flags: HttpOnly=%v SameSite=%v", csrf.HttpOnly, csrf.SameSite)
	}
}

func TestSessionEndsWhenUserDisabled(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	u := env.CreateUser(t, "dana", auth.RoleOperator)
	c := env.Login(t, "dana")
	if r := c.Get("/audit"); r.StatusCode != http.StatusOK {
		t.Fatalf("before disabling: %v", r)
	}
	admin := audit.Actor{Name: "test", Role: string(auth.RoleAdmin)}
	if err := env.Auth.SetDisabled(context.Background(), admin, u.ID, true); err != nil {
		t.Fatal(err)
	}
	cookies := c.HTTP.Jar.Cookies(mustURL(t, env.URL))

	t.Run("page", func(t *testing.T) {
		r := c.Get("/audit")
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Fatalf("disabled user's GET: %v (Location %q)", r, r.Header.Get("Location"))
		}
	})
	t.Run("htmx", func(t *testing.T) {
		h := env.Client(t)
		h.HTTP.Jar.SetCookies(mustURL(t, env.URL), cookies)
		r := h.Get("/audit", apptest.HTMX...)
		if r.Header.Get("HX-Redirect") == "" || !strings.HasPrefix(r.Header.Get("HX-Redirect"), "/login") {
			t.Fatalf("disabled user's htmx GET: want HX-Redirect to /login, got %v %v", r, r.Header)
		}
	})
	t.Run("htmx post", func(t *testing.T) {
		h := env.Client(t)
		h.HTTP.Jar.SetCookies(mustURL(t, env.URL), cookies)
		r := h.PostForm("/rooms/live-1", url.Values{"RoomName": {"x"}}, apptest.HTMX...)
		if !strings.HasPrefix(r.Header.Get("HX-Redirect"), "/login") {
			t.Fatalf("disabled user's htmx POST: want HX-Redirect to /login, got %v %v", r, r.Header)
		}
	})
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	u := env.CreateUser(t, "pat", auth.RoleViewer)
	a, b := env.Login(t, "pat"), env.Login(t, "pat")
	admin := audit.Actor{Name: "test", Role: string(auth.RoleAdmin)}
	if err := env.Auth.SetPassword(context.Background(), admin, u.ID, "a brand new password"); err != nil {
		t.Fatal(err)
	}
	for i, c := range []*apptest.Client{a, b} {
		if r := c.Get("/audit"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("session %d survived a password change: %v", i, r)
		}
	}
	old := env.Client(t).PostForm("/login", url.Values{"username": {"pat"}, "password": {apptest.Password}})
	if old.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password still signs in: %v", old)
	}
	nw := env.Client(t).PostForm("/login", url.Values{"username": {"pat"}, "password": {"a brand new password"}})
	if nw.StatusCode != http.StatusSeeOther {
		t.Errorf("new password refused: %v", nw)
	}
}
