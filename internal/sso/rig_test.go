package sso_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/auth/oidctest"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/sso"
)

const (
	clientID    = "roomdesk"
	secret      = "client-secret-value"
	redirectURL = "https://roomdesk.test/login/sso/callback"
	password    = "op password 1"
)

var roles = config.RoleMapping{
	Groups: map[string]string{"operators": "operator", "viewers": "viewer", "admins": "admin"},
	Apps:   map[string]map[string]string{"sg": {"sg-ops": "operator", "sg-blocked": "none"}},
}

// rig is a real OP, a database of one dialect, and the sso service.
type rig struct {
	t     *testing.T
	op    *oidctest.OP
	svc   *sso.Service
	auth  *auth.Service
	log   *sqlstore.Store
	skew  atomic.Int64 // added to the service's clock
	http  *http.Client
	actor audit.Actor
}

func newRig(t *testing.T, d db.Dialect) *rig {
	t.Helper()
	r := &rig{t: t, op: oidctest.Start(t), actor: audit.Actor{IP: "192.0.2.7", UserAgent: "test"}}
	r.op.AddClient(oidctest.Client{ID: clientID, Secret: secret, RedirectURIs: []string{redirectURL},
		PostLogoutRedirectURIs: []string{"https://roomdesk.test/login?signed_out=1"}})
	conn := dbtest.Open(t, d)
	r.log = sqlstore.New(conn)
	now := func() time.Time { return time.Now().Add(time.Duration(r.skew.Load())) }
	r.auth = auth.NewService(conn, r.log, auth.Options{Now: now, Hash: auth.HashParams{Memory: 64, Time: 1, Threads: 1}})
	cfg := config.OIDC{Issuer: r.op.Issuer, ClientID: clientID, ClientSecret: secret, RedirectURL: redirectURL,
		Scopes: []string{"openid", "profile", "email"}, GroupsClaim: "groups", Name: "Test IdP", Roles: roles}
	var err error
	r.svc, err = sso.New(sso.Options{Config: cfg, Apps: []string{"default", "sg"}, DB: conn, Auth: r.auth, Audit: r.log, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	r.http = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return r
}

// each runs fn on SQLite and, when configured, PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, r *rig)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, newRig(t, d)) })
	}
}

// begin starts a sign-in and returns the provider URL and the binding.
func (r *rig) begin() (string, string) {
	r.t.Helper()
	to, binding, err := r.svc.Begin(context.Background(), "/rooms")
	if err != nil {
		r.t.Fatal(err)
	}
	return to, binding
}

// atOP signs username in at the provider as a browser would and returns
// the query the provider sends back to the redirect URL.
func (r *rig) atOP(authURL, username string) url.Values {
	r.t.Helper()
	loc := r.follow(authURL, "/login")
	u, _ := url.Parse(loc)
	resp, err := r.http.PostForm(r.op.Issuer+"/login", url.Values{"id": {u.Query().Get("authRequestID")}, "username": {username}, "password": {password}})
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		r.t.Fatalf("login at the provider: %d", resp.StatusCode)
	}
	back := r.follow(r.abs(resp.Header.Get("Location")), redirectURL)
	cb, _ := url.Parse(back)
	return cb.Query()
}

// follow GETs to and returns the redirect's Location, which must start with want.
func (r *rig) follow(to, want string) string {
	r.t.Helper()
	resp, err := r.http.Get(to)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, want) && !strings.HasPrefix(loc, r.op.Issuer+want) {
		r.t.Fatalf("GET %s: %d to %q, want a redirect to %s", to, resp.StatusCode, loc, want)
	}
	return loc
}

func (r *rig) abs(loc string) string {
	if strings.HasPrefix(loc, "/") {
		return r.op.Issuer + loc
	}
	return loc
}

// signIn runs a whole sign-in for username.
func (r *rig) signIn(username string) (sso.Result, error) {
	r.t.Helper()
	to, binding := r.begin()
	return r.svc.Finish(context.Background(), r.atOP(to, username), binding, r.actor)
}

// lastOf is the newest audit entry with action.
func (r *rig) lastOf(action string) audit.Entry {
	r.t.Helper()
	p, err := r.log.List(context.Background(), audit.Filter{Action: action}, 0, 1)
	if err != nil || len(p.Records) == 0 {
		r.t.Fatalf("no %s entry (%v)", action, err)
	}
	return p.Records[0].Entry
}

func (r *rig) count(action string) int {
	r.t.Helper()
	p, err := r.log.List(context.Background(), audit.Filter{Action: action}, 0, 1000)
	if err != nil {
		r.t.Fatal(err)
	}
	return len(p.Records)
}

func configWith(apps map[string]map[string]string) config.OIDC {
	return config.OIDC{Issuer: "https://id.example", ClientID: clientID, Roles: config.RoleMapping{Apps: apps}}
}

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}
