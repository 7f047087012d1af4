package handlers

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/config"
)

// Cookies keep the Secure flag on a plain-HTTP loopback address (a browser
// treats it as secure), and lose it on any other plain-HTTP host.
func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "localhost:8080": true, "127.0.0.1:8080": true, "127.0.0.2": true, "[::1]:8080": true, "::1": true,
		"console.example": false, "console.example:443": false, "10.0.0.1:8080": false, "localhost.example:80": false, "": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// In the default (auto) mode the session cookie is Secure, and __Host-
// prefixed, exactly when the browser reached us over HTTPS, directly or
// through a trusted proxy that says so, or on loopback (Secure, unprefixed).
func TestSessionCookieSecurity(t *testing.T) {
	h := New(Deps{SecureCookie: config.Config{SecureCookies: config.CookiesAuto}.SecureCookie})
	for _, tc := range []struct {
		name, host, proto string
		tls               bool
		secure            bool
		cookie            string
	}{
		{"plain HTTP", "console.example", "", false, false, "roomdesk_session"},
		{"direct TLS", "console.example", "", true, true, "__Host-roomdesk_session"},
		{"TLS at a trusted proxy", "console.example", "https", false, true, "__Host-roomdesk_session"},
		{"loopback", "127.0.0.1:8080", "", false, true, "roomdesk_session"},
	} {
		req := httptest.NewRequest(http.MethodGet, "/login", nil)
		req.Host = tc.host
		if tc.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		if tc.tls {
			req.TLS = &tls.ConnectionState{}
		}
		c := echo.New().NewContext(req, httptest.NewRecorder())
		if got, name := h.cookieOptions(c, 60).Secure, h.cookieName(c); got != tc.secure || name != tc.cookie {
			t.Errorf("%s: Secure %v, name %q; want %v, %q", tc.name, got, name, tc.secure, tc.cookie)
		}
	}
	// ROOMDESK_SECURE_COOKIES=always is obeyed even on plain HTTP (behind
	// a proxy that terminates TLS without saying so).
	always := New(Deps{SecureCookie: config.Config{SecureCookies: config.CookiesAlways}.SecureCookie})
	req := httptest.NewRequest(http.MethodGet, "/login", nil)
	req.Host = "console.example"
	if !always.cookieOptions(echo.New().NewContext(req, httptest.NewRecorder()), 60).Secure {
		t.Error("secure cookies: always, yet a cookie without Secure")
	}
}
