package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
)

func TestLoginLogout(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olivia", auth.RoleOperator)

	c := env.Client(t)
	bad := c.PostForm("/login", url.Values{"username": {"olivia"}, "password": {"wrong password!"}})
	if bad.StatusCode != http.StatusUnauthorized || !strings.Contains(bad.Body, "Wrong username or password") {
		t.Fatalf("wrong password: %v", bad)
	}
	c = env.Login(t, "olivia")
	if r := c.Get("/rooms"); r.StatusCode == http.StatusSeeOther {
		t.Fatalf("signed in but redirected: %v", r)
	}
	cookies := c.HTTP.Jar.Cookies(mustURL(t, env.URL))
	out := c.PostForm("/logout", nil)
	if out.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %v", out)
	}
	// Replay the old session cookie: the server must have ended it.
	replay := env.Client(t)
	replay.HTTP.Jar.SetCookies(mustURL(t, env.URL), cookies)
	if r := replay.Get("/rooms"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("old session cookie still works after logout: %v", r)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
