package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func oidcEnv(t *testing.T, extra map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	secret := filepath.Join(dir, "client-secret")
	roles := filepath.Join(dir, "roles.json")
	if err := os.WriteFile(secret, []byte("s3cr3t-Client-Value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(roles, []byte(`{"groups":{"ops":"operator","admins":"admin"},"apps":{"demo-sg":{"sg-ops":"operator","ops":"none"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e := map[string]string{
		EnvOIDCIssuer:           "https://id.example.com/realms/ops/",
		EnvOIDCClientID:         "roomdesk",
		EnvOIDCClientSecretFile: secret,
		EnvOIDCRedirectURL:      "https://roomdesk.example.com/login/sso/callback",
		EnvOIDCRolesFile:        roles,
	}
	for k, v := range extra {
		e[k] = v
	}
	return e
}

func TestOIDCConfig(t *testing.T) {
	c, err := Load(env(oidcEnv(t, map[string]string{EnvOIDCScopes: "openid,profile groups", EnvOIDCName: "Keycloak", EnvLocalLogin: "breakglass:Admin"})), nil)
	if err != nil {
		t.Fatal(err)
	}
	o := c.OIDC
	if !o.Enabled() || o.Issuer != "https://id.example.com/realms/ops/" || o.ClientID != "roomdesk" || o.ClientSecret != "s3cr3t-Client-Value" ||
		strings.Join(o.Scopes, " ") != "openid profile groups" || o.GroupsClaim != "groups" || o.Name != "Keycloak" {
		t.Errorf("oidc: %+v", o)
	}
	if o.Roles.Groups["ops"] != "operator" || o.Roles.Apps["demo-sg"]["sg-ops"] != "operator" {
		t.Errorf("roles: %+v", o.Roles)
	}
	if c.LocalLogin.Mode != LocalLoginBreakGlass || !c.LocalLogin.Allows("admin") || c.LocalLogin.Allows("alice") {
		t.Errorf("local login: %+v", c.LocalLogin)
	}
	// The client secret never shows, however the config is printed.
	for _, out := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("client secret printed: %s", out)
		}
	}
	if d, err := Load(env(nil), nil); err != nil || d.OIDC.Enabled() || d.LocalLogin.Mode != LocalLoginOn || !d.LocalLogin.Allows("anyone") {
		t.Errorf("defaults: %+v %+v %v", d.OIDC, d.LocalLogin, err)
	}
}

func TestOIDCBadConfig(t *testing.T) {
	badRoles := filepath.Join(t.TempDir(), "roles.json")
	if err := os.WriteFile(badRoles, []byte(`{"groups":{"ops":"superuser"},"apps":{"x":{"g":"admin"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	emptySecret := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(emptySecret, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"issuer http remote", map[string]string{EnvOIDCIssuer: "http://id.example.com"}, EnvOIDCIssuer + `: "http://id.example.com" uses http://`},
		{"issuer not a URL", map[string]string{EnvOIDCIssuer: "id.example.com"}, EnvOIDCIssuer + ": "},
		{"no client id", map[string]string{EnvOIDCClientID: ""}, EnvOIDCClientID + ": is required"},
		{"no secret file", map[string]string{EnvOIDCClientSecretFile: ""}, EnvOIDCClientSecretFile + ": is required"},
		{"empty secret file", map[string]string{EnvOIDCClientSecretFile: emptySecret}, EnvOIDCClientSecretFile + ": "},
		{"redirect path", map[string]string{EnvOIDCRedirectURL: "https://roomdesk.example.com/callback"}, EnvOIDCRedirectURL + ": path must be /login/sso/callback"},
		{"no redirect", map[string]string{EnvOIDCRedirectURL: ""}, EnvOIDCRedirectURL + ": is required"},
		{"scopes without openid", map[string]string{EnvOIDCScopes: "profile email"}, EnvOIDCScopes + ": must include openid"},
		{"no roles file", map[string]string{EnvOIDCRolesFile: ""}, EnvOIDCRolesFile + ": is required"},
		{"bad roles", map[string]string{EnvOIDCRolesFile: badRoles}, EnvOIDCRolesFile + `: group "ops": role "superuser"`},
		{"bad app role", map[string]string{EnvOIDCRolesFile: badRoles}, `app "x" group "g": role "admin" is not none, viewer or operator`},
		{"local login bad", map[string]string{EnvLocalLogin: "sometimes"}, EnvLocalLogin + `: "sometimes" is not on, off or breakglass`},
		{"breakglass no name", map[string]string{EnvLocalLogin: "breakglass"}, EnvLocalLogin + ": breakglass needs"},
		{"client id without issuer", map[string]string{EnvOIDCIssuer: ""}, EnvOIDCIssuer + ": is required when " + EnvOIDCClientID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(oidcEnv(t, tc.env)), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("secret in error: %v", err)
			}
		})
	}
	t.Run("passwords off without a provider", func(t *testing.T) {
		_, err := Load(env(map[string]string{EnvLocalLogin: "off"}), nil)
		if err == nil || !strings.Contains(err.Error(), EnvLocalLogin+`: "off" turns passwords off, but `+EnvOIDCIssuer+" is not set") {
			t.Fatalf("error %v", err)
		}
	})
}
