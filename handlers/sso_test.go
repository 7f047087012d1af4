package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/auth/oidctest"
	"github.com/roomdesk/roomdesk/internal/config"
)

const opPassword = "op password 1"

// ssoEnv is a roomdesk connected to a real OP with users in groups.
func ssoEnv(t *testing.T, environ map[string]string) (*apptest.Env, *oidctest.OP) {
	t.Helper()
	op := oidctest.Start(t)
	env := op.Environ(t, t.TempDir(), apptest.URLPlaceholder)
	for k, v := range environ {
		env[k] = v
	}
	e := apptest.New(t, apptest.Options{Environ: env})
	op.Register(e.URL)
	op.AddUser("olga", opPassword, "olga@example.com", "roomdesk-operators")
	op.AddUser("nadia", opPassword, "nadia@example.com", "contractors")
	return e, op
}

// startSSO presses "Sign in with …" and returns the provider URL.
func startSSO(t *testing.T, c *apptest.Client) string {
	t.Helper()
	r := c.PostForm("/login/sso", url.Values{"next": {"/audit"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %v", r)
	}
	return r.Header.Get("Location")
}

// atOP signs username in at the provider and returns the callback path
// and query the provider sends the browser back to.
func atOP(t *testing.T, op *oidctest.OP, to, username string) string {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) string {
		resp, err := hc.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("Location")
	}
	id := mustURL(t, get(to)).Query().Get("authRequestID")
	resp, err := hc.PostForm(op.Issuer+"/login", url.Values{"id": {id}, "username": {username}, "password": {opPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back := mustURL(t, get(mustURL(t, op.Issuer).ResolveReference(mustURL(t, resp.Header.Get("Location"))).String()))
	if back.Path != config.OIDCCallbackPath {
		t.Fatalf("provider sent the browser to %s", back)
	}
	return back.RequestURI()
}

func lastEntry(t *testing.T, env *apptest.Env, action string) audit.Entry {
	t.Helper()
	p, err := env.Audit.List(context.Background(), audit.Filter{Action: action}, 0, 1)
	if err != nil || len(p.Records) == 0 {
		t.Fatalf("no %s entry (%v)", action, err)
	}
	return p.Records[0].Entry
}

func TestSSOSignInSessionAndLogout(t *testing.T) {
	env, op := ssoEnv(t, nil)
	c := env.Client(t)
	page := c.Get("/login")
	if got := testidText(t, page, "sso-signin"); got != "Sign in with Test IdP" {
		t.Errorf("button %q", got)
	}
	// The button's POST is answered with a redirect to the provider, which
	// the browser holds to the page's form-action: it names the provider.
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+op.Issuer+";") {
		t.Errorf("CSP %q does not let the sign-in form lead to the provider", csp)
	}
	if doc(t, page).Find(`input[name="password"]`).Length() != 1 {
		t.Error("passwords are on by default: the form should show")
	}
	back := c.Get(atOP(t, op, startSSO(t, c), "olga"))
	if back.StatusCode != http.StatusSeeOther || back.Header.Get("Location") != "/audit" {
		t.Fatalf("callback: %v", back)
	}
	if r := c.Get("/audit"); r.StatusCode != http.StatusOK {
		t.Fatalf("signed in, yet /audit: %v", r)
	}
	if r := c.Get("/admin/users"); r.StatusCode != http.StatusForbidden {
		t.Errorf("an operator on the users page: %d", r.StatusCode)
	}
	u, err := env.Auth.ByUsername(context.Background(), "olga")
	if err != nil || u.Role != auth.RoleOperator || !u.FromProvider() {
		t.Fatalf("user %+v %v", u, err)
	}
	// The session ends with the ID token (1h at this OP), not after 8h.
	var expires int64
	if err := env.DB.QueryRowContext(context.Background(), `SELECT MAX(expires_at_us) FROM sessions WHERE user_id = $1`, u.ID).Scan(&expires); err != nil {
		t.Fatal(err)
	}
	if left := time.Until(time.UnixMicro(expires)); left > time.Hour+time.Minute || left < 50*time.Minute {
		t.Errorf("session lasts %v, want the token's hour", left)
	}
	if e := lastEntry(t, env, audit.ActionSSOLogin); e.Actor != "olga" || e.ActorRole != "operator" {
		t.Errorf("sso_login %+v", e)
	}
	// Their password and second factor are the provider's business.
	acct := c.Get("/account")
	if testid(doc(t, acct), "account-provider").Length() != 1 || testid(doc(t, acct), "password-change").Length() != 0 {
		t.Errorf("account page of a provider user:\n%v", acct)
	}
	if got := testidText(t, acct, "account-provider"); !strings.Contains(got, "Test IdP") {
		t.Errorf("the account page does not name the provider: %q", got)
	}
	if r := c.PostForm("/account/password", url.Values{"current": {"x"}, "password": {"a new long password"}, "confirm": {"a new long password"}}); r.StatusCode != http.StatusConflict {
		t.Errorf("password change by a provider user: %v", r)
	}

	// Sign-out ends the session here, then RP-initiated logout at the OP,
	// which sends the browser back to the sign-in page.
	out := c.PostForm("/logout", nil)
	to := out.Header.Get("Location")
	if out.StatusCode != http.StatusSeeOther || !strings.HasPrefix(to, op.EndSessionURL()+"?") {
		t.Fatalf("logout: %v to %q", out, to)
	}
	resp, err := http.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.String() != env.URL+"/login?signed_out=1" || op.Logouts() != 1 {
		t.Errorf("after the provider's logout the browser is at %s (logouts %d)", resp.Request.URL, op.Logouts())
	}
	if r := c.Get("/audit"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out, yet /audit: %d", r.StatusCode)
	}
}

func TestSSORefusedPages(t *testing.T) {
	env, op := ssoEnv(t, nil)
	cases := []struct {
		name   string
		status int
		kind   string
		reason string
		run    func(t *testing.T, c *apptest.Client) *apptest.Response
	}{
		{"tampered state", http.StatusBadRequest, "state", "bad state: unknown, tampered with or already used", func(t *testing.T, c *apptest.Client) *apptest.Response {
			cb := mustURL(t, atOP(t, op, startSSO(t, c), "olga"))
			q := cb.Query()
			st := []byte(q.Get("state"))
			st[0] ^= 1 // still base64url, another value
			q.Set("state", string(st))
			return c.Get(cb.Path + "?" + q.Encode())
		}},
		{"callback from another browser", http.StatusBadRequest, "state", "bad state: the sign-in was started in another browser", func(t *testing.T, c *apptest.Client) *apptest.Response {
			cb := atOP(t, op, startSSO(t, c), "olga")
			other := env.Client(t)
			startSSO(t, other) // a binding of its own, not this flow's
			return other.Get(cb)
		}},
		{"replayed code", http.StatusUnauthorized, "provider", "code exchange refused by the provider: invalid_grant", func(t *testing.T, c *apptest.Client) *apptest.Response {
			victim := env.Client(t)
			used := mustURL(t, atOP(t, op, startSSO(t, victim), "olga"))
			if r := victim.Get(used.RequestURI()); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("first use: %v", r)
			}
			// The same callback URL again: its state is spent.
			if r := victim.Get(used.RequestURI()); r.StatusCode != http.StatusBadRequest {
				t.Errorf("replayed callback: %v", r)
			}
			// The spent code in a fresh flow of the attacker's own.
			cb := mustURL(t, atOP(t, op, startSSO(t, c), "olga"))
			q := cb.Query()
			q.Set("code", used.Query().Get("code"))
			return c.Get(cb.Path + "?" + q.Encode())
		}},
		{"token for another client", http.StatusUnauthorized, "provider", "id token: wrong audience", func(t *testing.T, c *apptest.Client) *apptest.Response {
			to := startSSO(t, c)
			other := oidctest.Client{ID: "other-app", Secret: "other secret", RedirectURIs: []string{"https://other.test/cb"}}
			op.AddClient(other)
			op.SubstituteNextIDToken(op.IDTokenFor(t, other, "olga", opPassword, mustURL(t, to).Query().Get("nonce")))
			return c.Get(atOP(t, op, to, "olga"))
		}},
		{"no mapped group", http.StatusForbidden, "group", `no group gives a role here (groups: ["contractors"])`, func(t *testing.T, c *apptest.Client) *apptest.Response {
			return c.Get(atOP(t, op, startSSO(t, c), "nadia"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := env.Client(t)
			r := tc.run(t, c)
			card := doc(t, r).Find(`[data-testid="sso-refused"]`)
			if r.StatusCode != tc.status || card.AttrOr("data-kind", "") != tc.kind {
				t.Fatalf("got %d kind %q, want %d %s:\n%v", r.StatusCode, card.AttrOr("data-kind", ""), tc.status, tc.kind, r)
			}
			if e := lastEntry(t, env, audit.ActionSSORefused); !strings.Contains(e.Detail, tc.reason) || e.Outcome != audit.OutcomeDenied {
				t.Errorf("sso_refused %+v, want %q", e, tc.reason)
			}
			if a := c.Get("/audit"); a.StatusCode != http.StatusSeeOther {
				t.Errorf("refused, yet signed in: %d", a.StatusCode)
			}
		})
	}
}

func TestSSODisabledUserRefused(t *testing.T) {
	env, op := ssoEnv(t, nil)
	c := env.Client(t)
	c.Get(atOP(t, op, startSSO(t, c), "olga"))
	u, err := env.Auth.ByUsername(context.Background(), "olga")
	if err != nil {
		t.Fatal(err)
	}
	env.CreateUser(t, "root", auth.RoleAdmin)
	admin := env.Login(t, "root")
	users := admin.Get("/admin/users")
	if testid(doc(t, users), "users-sso-note").Length() != 1 || doc(t, users).Find(`[data-testid="user-row-olga"] [data-testid="user-sso"]`).Length() != 1 ||
		doc(t, users).Find(`[data-testid="user-row-root"] [data-testid="user-sso"]`).Length() != 0 {
		t.Errorf("users page marks provider users and says MFA is the provider's:\n%v", users)
	}
	if !strings.Contains(testidText(t, users, "users-sso-note"), "ROOMDESK_REQUIRE_MFA does not apply") {
		t.Error("the users page does not say ROOMDESK_REQUIRE_MFA does not apply to provider users")
	}
	// Its groups set a provider user's role again at every sign-in: the
	// role form says so, for that user only.
	if testid(doc(t, users), "sso-role-hint-olga").Length() != 1 || testid(doc(t, users), "sso-role-hint-root").Length() != 0 ||
		!strings.Contains(testidText(t, users, "sso-role-hint-olga"), "until their next sign-in") {
		t.Errorf("the role form does not say a provider user's role is set again at sign-in:\n%v", users)
	}
	if r := admin.PostForm(fmt.Sprintf("/admin/users/%d/password", u.ID), url.Values{"password": {"a new long password"}, "confirm": {"a new long password"}}); r.StatusCode != http.StatusConflict {
		t.Errorf("password reset of a provider user: %v", r)
	}
	if err := env.Auth.SetDisabled(context.Background(), audit.Actor{Name: "root", Role: "admin"}, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if r := c.Get("/audit"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("disabling ends the session: %d", r.StatusCode)
	}
	c = env.Client(t)
	r := c.Get(atOP(t, op, startSSO(t, c), "olga"))
	if r.StatusCode != http.StatusForbidden || doc(t, r).Find(`[data-kind="disabled"]`).Length() != 1 {
		t.Fatalf("disabled user with a valid token: %v", r)
	}
	if e := lastEntry(t, env, audit.ActionSSORefused); e.Detail != "user olga is disabled here" {
		t.Errorf("sso_refused %q", e.Detail)
	}
}

func TestLocalLoginOffAndBreakGlass(t *testing.T) {
	t.Run("off", func(t *testing.T) {
		env, _ := ssoEnv(t, map[string]string{config.EnvLocalLogin: "off"})
		env.CreateUser(t, "admin", auth.RoleAdmin)
		c := env.Client(t)
		if doc(t, c.Get("/login")).Find(`input[name="password"]`).Length() != 0 {
			t.Error("passwords off, yet the page offers the form")
		}
		r := c.PostForm("/login", url.Values{"username": {"admin"}, "password": {apptest.Password}})
		if r.StatusCode != http.StatusForbidden || !strings.Contains(testidText(t, r, "login-error"), "sign in with Test IdP") {
			t.Fatalf("password with passwords off: %v", r)
		}
	})
	t.Run("breakglass", func(t *testing.T) {
		env, _ := ssoEnv(t, map[string]string{config.EnvLocalLogin: "breakglass:admin"})
		env.CreateUser(t, "admin", auth.RoleAdmin)
		env.CreateUser(t, "olivia", auth.RoleOperator)
		c := env.Client(t)
		if doc(t, c.Get("/login")).Find(`details.breakglass input[name="password"]`).Length() != 1 {
			t.Error("break-glass form missing")
		}
		r := c.PostForm("/login", url.Values{"username": {"olivia"}, "password": {apptest.Password}})
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a non-break-glass password: %v", r)
		}
		if e := lastEntry(t, env, audit.ActionLoginFailed); !strings.Contains(e.Detail, "local password sign-in is turned off") {
			t.Errorf("login_failed %q", e.Detail)
		}
		env.Login(t, "admin")
	})
}

// A provider whose sign-in and sign-out pages live on other origins than
// its issuer: the sign-in page's CSP must name them from its first GET,
// which is what makes the page fetch the discovery document.
func TestSSOCSPNamesDiscoveredEndpoints(t *testing.T) {
	var issuer string
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":"https://login.idp.example/authorize",`+
			`"token_endpoint":%q,"jwks_uri":%q,"end_session_endpoint":"https://logout.idp.example/end",`+
			`"id_token_signing_alg_values_supported":["ES256"]}`, issuer, issuer+"/token", issuer+"/keys")
	}))
	t.Cleanup(idp.Close)
	issuer = idp.URL
	dir := t.TempDir()
	secret, roles := filepath.Join(dir, "secret"), filepath.Join(dir, "roles.json")
	if os.WriteFile(secret, []byte(oidctest.ClientSecret), 0o600) != nil || os.WriteFile(roles, []byte(oidctest.Roles), 0o600) != nil {
		t.Fatal("writing the provider's files")
	}
	env := apptest.New(t, apptest.Options{Environ: map[string]string{
		config.EnvOIDCIssuer: issuer, config.EnvOIDCClientID: oidctest.ClientID,
		config.EnvOIDCClientSecretFile: secret, config.EnvOIDCRedirectURL: apptest.URLPlaceholder + config.OIDCCallbackPath,
		config.EnvOIDCRolesFile: roles,
	}})
	csp := env.Client(t).Get("/login").Header.Get("Content-Security-Policy")
	if want := "form-action 'self' https://login.idp.example https://logout.idp.example;"; !strings.Contains(csp, want) {
		t.Errorf("CSP %q, want %q", csp, want)
	}
}
