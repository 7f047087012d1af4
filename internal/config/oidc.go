package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
)

// OpenID Connect sign-in (issue 17). Every variable is optional; setting
// ROOMDESK_OIDC_ISSUER turns sign-in with the provider on and makes the
// client id, secret file, redirect URL and roles file required.
const (
	EnvOIDCIssuer           = "ROOMDESK_OIDC_ISSUER"
	EnvOIDCClientID         = "ROOMDESK_OIDC_CLIENT_ID"
	EnvOIDCClientSecretFile = "ROOMDESK_OIDC_CLIENT_SECRET_FILE"
	EnvOIDCRedirectURL      = "ROOMDESK_OIDC_REDIRECT_URL"
	EnvOIDCScopes           = "ROOMDESK_OIDC_SCOPES"
	EnvOIDCGroupsClaim      = "ROOMDESK_OIDC_GROUPS_CLAIM"
	EnvOIDCName             = "ROOMDESK_OIDC_NAME"
	EnvOIDCRolesFile        = "ROOMDESK_OIDC_ROLES_FILE"
	EnvLocalLogin           = "ROOMDESK_LOCAL_LOGIN"
)

// OIDCCallbackPath is where the provider sends the browser back: the path
// of ROOMDESK_OIDC_REDIRECT_URL must be exactly this.
const OIDCCallbackPath = "/login/sso/callback"

// maxRolesFileBytes bounds the roles file: a few dozen bytes per group.
const maxRolesFileBytes = 1 << 20

// OIDC is the OpenID Connect client's settings. ClientSecret comes from a
// file only and never appears in String, logs or errors.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	Scopes       []string // always includes openid
	GroupsClaim  string   // the ID token (or userinfo) claim listing groups
	Name         string   // the provider's name on the "Sign in with …" button
	Roles        RoleMapping
}

// Enabled reports whether sign-in with a provider is configured.
func (o OIDC) Enabled() bool { return o.Issuer != "" }

// RoleMapping is ROOMDESK_OIDC_ROLES_FILE: which provider groups give
// which role. Groups maps a group to a role in every app (viewer, operator
// or admin); Apps maps an app id to groups that set the role in that app
// only (none, viewer or operator), overriding the global one.
type RoleMapping struct {
	Groups map[string]string            `json:"groups"`
	Apps   map[string]map[string]string `json:"apps"`
}

// LocalLogin is ROOMDESK_LOCAL_LOGIN: who may still sign in with a
// password kept here.
type LocalLogin struct {
	Mode       LocalLoginMode
	BreakGlass string // the one username allowed in breakglass mode
}

// LocalLoginMode says who signs in with a local password.
type LocalLoginMode string

const (
	LocalLoginOn         LocalLoginMode = "on"         // everyone with a local account (the default)
	LocalLoginOff        LocalLoginMode = "off"        // nobody: the provider only
	LocalLoginBreakGlass LocalLoginMode = "breakglass" // only LocalLogin.BreakGlass
)

// Allows reports whether username (normalised) may sign in with a password.
func (l LocalLogin) Allows(username string) bool {
	switch l.Mode {
	case LocalLoginOff:
		return false
	case LocalLoginBreakGlass:
		return username == l.BreakGlass
	}
	return true
}

func (l *loader) oidc() OIDC {
	o := OIDC{
		Issuer:      l.get(EnvOIDCIssuer),
		ClientID:    l.get(EnvOIDCClientID),
		RedirectURL: l.get(EnvOIDCRedirectURL),
		GroupsClaim: l.or(EnvOIDCGroupsClaim, "groups"),
		Name:        l.or(EnvOIDCName, "SSO"),
	}
	if o.Issuer == "" {
		for _, env := range []string{EnvOIDCClientID, EnvOIDCClientSecretFile, EnvOIDCRedirectURL, EnvOIDCRolesFile} {
			if l.get(env) != "" {
				l.fail(EnvOIDCIssuer, "is required when %s is set", env)
				break
			}
		}
		return OIDC{}
	}
	if p := httpsURLProblem(o.Issuer); p != "" {
		l.fail(EnvOIDCIssuer, "%s", p)
	}
	if o.ClientID == "" {
		l.fail(EnvOIDCClientID, "is required when %s is set", EnvOIDCIssuer)
	}
	if path := l.get(EnvOIDCClientSecretFile); path == "" {
		l.fail(EnvOIDCClientSecretFile, "is required when %s is set (the client secret is read from a file only)", EnvOIDCIssuer)
	} else {
		secret, problem := readSecretFile(path)
		if problem != "" {
			l.fail(EnvOIDCClientSecretFile, "%s", problem)
		}
		o.ClientSecret = secret
	}
	switch p := httpsURLProblem(o.RedirectURL); {
	case o.RedirectURL == "":
		l.fail(EnvOIDCRedirectURL, "is required when %s is set, e.g. https://roomdesk.example.com%s", EnvOIDCIssuer, OIDCCallbackPath)
	case p != "":
		l.fail(EnvOIDCRedirectURL, "%s", p)
	default:
		if u, _ := url.Parse(o.RedirectURL); u.Path != OIDCCallbackPath {
			l.fail(EnvOIDCRedirectURL, "path must be %s, not %q", OIDCCallbackPath, u.Path)
		}
	}
	o.Scopes = strings.FieldsFunc(l.or(EnvOIDCScopes, "openid profile email"), func(r rune) bool { return r == ' ' || r == ',' })
	if !slices.Contains(o.Scopes, "openid") {
		l.fail(EnvOIDCScopes, "must include openid (got %q)", strings.Join(o.Scopes, " "))
	}
	if strings.ContainsAny(o.GroupsClaim, " \t") {
		l.fail(EnvOIDCGroupsClaim, "%q is not a claim name", o.GroupsClaim)
	}
	if len(o.Name) > 40 {
		l.fail(EnvOIDCName, "is %d bytes; at most 40 fit on the button", len(o.Name))
	}
	if path := l.get(EnvOIDCRolesFile); path == "" {
		l.fail(EnvOIDCRolesFile, "is required when %s is set: without it no provider group gives a role, so every sign-in is refused", EnvOIDCIssuer)
	} else {
		o.Roles = l.rolesFile(path)
	}
	return o
}

// httpsURLProblem says what is wrong with an issuer or redirect URL: it
// must be absolute https, or http for a loopback host (a local provider).
func httpsURLProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute https:// URL", redactURL(raw))
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%q must not hold credentials, a query or a fragment", redactURL(raw))
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return fmt.Sprintf("%q uses http:// for a host that is not loopback; use https://", raw)
	}
	return ""
}

// rolesFile reads and checks ROOMDESK_OIDC_ROLES_FILE. App ids are checked
// against the configured apps by the server, which knows demo mode's.
func (l *loader) rolesFile(path string) RoleMapping {
	fail := func(format string, a ...any) { l.fail(EnvOIDCRolesFile, format, a...) }
	f, err := os.Open(path)
	if err != nil {
		fail("cannot read %q: %v", path, unwrapPathErr(err))
		return RoleMapping{}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRolesFileBytes+1))
	if err != nil || len(b) > maxRolesFileBytes {
		fail("cannot read %q (or larger than %d bytes)", path, maxRolesFileBytes)
		return RoleMapping{}
	}
	var m RoleMapping
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		fail("%q is not a roles file like {\"groups\":{\"ops\":\"operator\"},\"apps\":{\"prod-sg\":{\"sg-ops\":\"operator\"}}}: %v", path, err)
		return RoleMapping{}
	}
	for _, g := range sortedKeys(m.Groups) {
		if r := m.Groups[g]; r != "viewer" && r != "operator" && r != "admin" {
			fail("group %q: role %q is not viewer, operator or admin", g, r)
		}
	}
	for _, app := range sortedKeys(m.Apps) {
		for _, g := range sortedKeys(m.Apps[app]) {
			if r := m.Apps[app][g]; r != "none" && r != "viewer" && r != "operator" {
				fail("app %q group %q: role %q is not none, viewer or operator (admin is global)", app, g, r)
			}
		}
	}
	if len(m.Groups) == 0 && len(m.Apps) == 0 {
		fail("%q maps no group to a role: every sign-in would be refused", path)
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (l *loader) localLogin(sso bool) LocalLogin {
	raw := l.or(EnvLocalLogin, string(LocalLoginOn))
	mode, name, _ := strings.Cut(raw, ":")
	ll := LocalLogin{Mode: LocalLoginMode(strings.ToLower(mode))}
	switch ll.Mode {
	case LocalLoginOn:
		return ll
	case LocalLoginOff:
	case LocalLoginBreakGlass:
		ll.BreakGlass = strings.ToLower(strings.TrimSpace(name))
		if ll.BreakGlass == "" {
			l.fail(EnvLocalLogin, "breakglass needs the one username allowed a password, e.g. breakglass:admin")
		}
	default:
		l.fail(EnvLocalLogin, "%q is not on, off or breakglass:<username>", raw)
		return LocalLogin{Mode: LocalLoginOn}
	}
	if !sso {
		l.fail(EnvLocalLogin, "%q turns passwords off, but %s is not set: nobody could sign in", raw, EnvOIDCIssuer)
	}
	return ll
}
