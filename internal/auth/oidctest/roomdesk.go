package oidctest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/roomdesk/roomdesk/internal/config"
)

// Roomdesk's client at the OP, as the handler and browser tests register it.
const (
	ClientID     = "roomdesk"
	ClientSecret = "roomdesk-client-secret-4f1c"
	// Roles is the roles file those tests use: operators and viewers in
	// every app, admins, and sg-ops operators of the demo's second app.
	Roles = `{"groups":{"roomdesk-operators":"operator","roomdesk-viewers":"viewer","roomdesk-admins":"admin"},` +
		`"apps":{"demo-sg":{"sg-ops":"operator"}}}`
)

// Environ is the ROOMDESK_* settings that connect a roomdesk to this OP,
// its files written under dir. base stands for roomdesk's own URL (see
// apptest.URLPlaceholder). Call Register once roomdesk's URL is known.
func (o *OP) Environ(t testing.TB, dir, base string) map[string]string {
	t.Helper()
	secret, roles := filepath.Join(dir, "oidc-client-secret"), filepath.Join(dir, "oidc-roles.json")
	if err := os.WriteFile(secret, []byte(ClientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(roles, []byte(Roles), 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		config.EnvOIDCIssuer: o.Issuer, config.EnvOIDCClientID: ClientID,
		config.EnvOIDCClientSecretFile: secret, config.EnvOIDCRedirectURL: base + config.OIDCCallbackPath,
		config.EnvOIDCName: "Test IdP", config.EnvOIDCRolesFile: roles,
	}
}

// Register adds roomdesk, served at baseURL, as a client of the OP.
func (o *OP) Register(baseURL string) {
	o.AddClient(Client{ID: ClientID, Secret: ClientSecret,
		RedirectURIs:           []string{baseURL + config.OIDCCallbackPath},
		PostLogoutRedirectURIs: []string{baseURL + "/login?signed_out=1"}})
}
