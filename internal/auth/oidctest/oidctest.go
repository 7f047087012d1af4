// Package oidctest runs a real OpenID Provider for tests: zitadel's
// OpenID-certified op package (github.com/zitadel/oidc/v3), on a loopback
// port, with in-memory users in groups, relying-party clients, and a
// sign-in page a real browser can fill in. Tests move users between
// groups, have the next ID token issued for another client, or shorten
// token lifetimes; nothing about the protocol is faked.
package oidctest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"html/template"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// OP is a running OpenID Provider.
type OP struct {
	// Issuer is the provider's URL (http://127.0.0.1:port).
	Issuer   string
	store    *storage
	srv      *http.Server
	logouts  atomic.Int64
	provider *op.Provider
}

// Start runs an OP until the test ends.
func Start(t testing.TB) *OP {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o := &OP{Issuer: "http://" + ln.Addr().String(), store: &storage{
		key:   signingKey{id: uuid.NewString(), key: key},
		users: map[string]*user{}, clients: map[string]*Client{}, requests: map[string]*authRequest{},
		codes: map[string]string{}, tokens: map[string]*accessToken{},
	}}
	var crypt [32]byte
	_, _ = rand.Read(crypt[:])
	o.provider, err = op.NewProvider(&op.Config{
		CryptoKey: sha256.Sum256(crypt[:]), CodeMethodS256: true, AuthMethodPost: true,
		DefaultLogoutRedirectURI: "/logged-out", SupportedUILocales: []language.Tag{language.English},
	}, o.store, op.StaticIssuer(o.Issuer), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	intercept := op.NewIssuerInterceptor(o.provider.IssuerFromRequest)
	mux.HandleFunc("GET /login", o.loginPage)
	mux.Handle("POST /login", intercept.HandlerFunc(o.login))
	mux.HandleFunc("GET /logged-out", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("signed out")) })
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case o.provider.EndSessionEndpoint().Relative():
			o.logouts.Add(1)
		case o.provider.TokenEndpoint().Relative():
			o.substituting(w, r)
			return
		}
		o.provider.ServeHTTP(w, r)
	}))
	o.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = o.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = o.srv.Shutdown(ctx)
	})
	return o
}

// AddUser adds a user who signs in with password and is in groups. The
// subject is a random id, as real providers' are.
func (o *OP) AddUser(username, password, email string, groups ...string) (subject string) {
	o.store.mu.Lock()
	defer o.store.mu.Unlock()
	subject = uuid.NewString()
	o.store.users[username] = &user{subject: subject, username: username, password: password, email: email, groups: slices.Clone(groups)}
	return subject
}

// SetGroups moves a user into exactly groups (none: in no group).
func (o *OP) SetGroups(username string, groups ...string) {
	o.store.mu.Lock()
	defer o.store.mu.Unlock()
	o.store.users[username].groups = slices.Clone(groups)
}

// AddClient registers a relying party (or replaces one with the same id).
func (o *OP) AddClient(c Client) {
	o.store.mu.Lock()
	defer o.store.mu.Unlock()
	o.store.clients[c.ID] = &c
}

// SubstituteNextIDToken makes the next token response carry rawIDToken
// instead of the ID token the OP issued for that request: a
// token-substitution attack, with a genuine token (see IDTokenFor).
func (o *OP) SubstituteNextIDToken(rawIDToken string) {
	o.store.mu.Lock()
	defer o.store.mu.Unlock()
	o.store.substitute = rawIDToken
}

// IDTokenFor runs a whole code flow for client c, signing username in, and
// returns the ID token the OP issued to c: a genuine token for another
// client. nonce is sent as the request's nonce.
func (o *OP) IDTokenFor(t testing.TB, c Client, username, password, nonce string) string {
	t.Helper()
	code := o.codeFor(t, c, username, password, nonce)
	hc := &http.Client{Timeout: 10 * time.Second}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.RedirectURIs[0]},
		"client_id": {c.ID}, "client_secret": {c.Secret}}
	resp, err := hc.PostForm(o.Issuer+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.IDToken == "" {
		t.Fatalf("oidctest: token for %s: status %d, %v", c.ID, resp.StatusCode, err)
	}
	return tok.IDToken
}

// CodeFor signs username in for client c and returns the authorization
// code the OP sends to c's redirect URI: a code issued to another client.
func (o *OP) CodeFor(t testing.TB, c Client, username, password string) string {
	t.Helper()
	return o.codeFor(t, c, username, password, "n")
}

func (o *OP) codeFor(t testing.TB, c Client, username, password, nonce string) string {
	t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"client_id": {c.ID}, "redirect_uri": {c.RedirectURIs[0]}, "response_type": {"code"},
		"scope": {"openid profile"}, "state": {"s"}, "nonce": {nonce}}
	loc := location(t, hc, http.MethodGet, o.Issuer+"/authorize?"+q.Encode(), nil)
	id := mustParse(t, loc).Query().Get("authRequestID")
	loc = location(t, hc, http.MethodPost, o.Issuer+"/login", url.Values{"id": {id}, "username": {username}, "password": {password}})
	loc = location(t, hc, http.MethodGet, o.abs(loc), nil)
	return mustParse(t, loc).Query().Get("code")
}

func (o *OP) abs(loc string) string {
	if strings.HasPrefix(loc, "/") {
		return o.Issuer + loc
	}
	return loc
}

func location(t testing.TB, hc *http.Client, method, to string, form url.Values) string {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = hc.PostForm(to, form)
	} else {
		resp, err = hc.Get(to)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 3 {
		t.Fatalf("oidctest: %s %s: status %d, want a redirect", method, to, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func mustParse(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// substituting swaps the id_token of a token response when armed.
func (o *OP) substituting(w http.ResponseWriter, r *http.Request) {
	o.store.mu.Lock()
	sub := o.store.substitute
	o.store.substitute = ""
	o.store.mu.Unlock()
	if sub == "" {
		o.provider.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	o.provider.ServeHTTP(rec, r)
	var body map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	body["id_token"] = sub
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// SetIDTokenLifetime sets how long ID tokens last from now on (default
// 1h; negative issues tokens that have already expired).
func (o *OP) SetIDTokenLifetime(d time.Duration) {
	o.store.mu.Lock()
	defer o.store.mu.Unlock()
	o.store.lifetime = d
}

// ChallengeMethods are the PKCE methods of every authorization request
// received, in order ("" for a request without PKCE).
func (o *OP) ChallengeMethods() []string {
	o.store.mu.Lock()
	defer o.store.mu.Unlock()
	return slices.Clone(o.store.challenges)
}

// Logouts counts requests to the end-session endpoint (RP-initiated logout).
func (o *OP) Logouts() int64 { return o.logouts.Load() }

// EndSessionURL is the provider's end_session_endpoint.
func (o *OP) EndSessionURL() string { return o.provider.EndSessionEndpoint().Absolute(o.Issuer) }

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="id" value="{{.ID}}">
<p><label for="op-username">Username</label> <input id="op-username" name="username" autocomplete="username"></p>
<p><label for="op-password">Password</label> <input id="op-password" name="password" type="password" autocomplete="current-password"></p>
<p><button type="submit">Sign in to the provider</button></p>
</form></main></body></html>`))

func (o *OP) loginPage(w http.ResponseWriter, r *http.Request) {
	o.renderLogin(w, r.URL.Query().Get("authRequestID"), "", http.StatusOK)
}

func (o *OP) renderLogin(w http.ResponseWriter, id, msg string, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = loginTemplate.Execute(w, struct{ ID, Error string }{id, msg})
}

func (o *OP) login(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("id")
	if err := o.store.login(id, r.FormValue("username"), r.FormValue("password")); err != nil {
		o.renderLogin(w, id, err.Error(), http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(o.provider)(r.Context(), id), http.StatusFound)
}
