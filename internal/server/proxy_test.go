package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestWhomToBelieve drives the IP extractor and the forwarded-header rule
// together, as server.New installs them, with and without trusted proxies
// and with forged headers.
func TestWhomToBelieve(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     string
		https   bool // the request says X-Forwarded-Proto: https
		ip      string
		scheme  string
	}{
		{"no proxies: the peer", nil, "203.0.113.9:5000", "", false, "203.0.113.9", "http"},
		{"no proxies: forged XFF and Proto ignored", nil, "203.0.113.9:5000", "198.51.100.1", true, "203.0.113.9", "http"},
		{"no proxies: loopback is no exception", nil, "127.0.0.1:5000", "198.51.100.1", true, "127.0.0.1", "http"},
		{"trusted proxy: its client", proxies, "10.0.0.2:5000", "198.51.100.1", true, "198.51.100.1", "https"},
		{"trusted proxy: a client's forged XFF is left of the real one", proxies, "10.0.0.2:5000", "6.6.6.6, 198.51.100.1", false, "198.51.100.1", "http"},
		{"two trusted proxies", proxies, "10.0.0.2:5000", "198.51.100.1, 10.0.0.3", true, "198.51.100.1", "https"},
		{"trusted IPv6 proxy", proxies, "[2001:db8::1]:443", "198.51.100.7", true, "198.51.100.7", "https"},
		{"untrusted peer while proxies are configured", proxies, "203.0.113.9:5000", "198.51.100.1", true, "203.0.113.9", "http"},
		{"loopback is not trusted unless listed", proxies, "127.0.0.1:5000", "198.51.100.1", true, "127.0.0.1", "http"},
		{"listed loopback is trusted", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, "127.0.0.1:5000", "198.51.100.1", true, "198.51.100.1", "https"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := echo.New()
			e.Pre(dropUntrustedForwarded(tc.trusted))
			e.IPExtractor = ipExtractor(tc.trusted)
			e.SchemeExtractor = schemeExtractor(tc.trusted)
			var ip, scheme, proto string
			e.GET("/", func(c echo.Context) error {
				ip, scheme, proto = c.RealIP(), c.Scheme(), c.Request().Header.Get("X-Forwarded-Proto")
				return c.NoContent(http.StatusNoContent)
			})
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.RemoteAddr = tc.peer
			if tc.xff != "" {
				req.Header.Set("X-Forwarded-For", tc.xff)
				req.Header.Set("X-Real-IP", "6.6.6.6")
				req.Header.Set("Forwarded", "for=6.6.6.6;proto=https")
			}
			if tc.https {
				req.Header.Set("X-Forwarded-Proto", "https")
			}
			e.ServeHTTP(httptest.NewRecorder(), req)
			if ip != tc.ip || scheme != tc.scheme {
				t.Errorf("client %s over %s, want %s over %s", ip, scheme, tc.ip, tc.scheme)
			}
			if believed := tc.scheme == "https"; (proto == "https") != believed {
				t.Errorf("X-Forwarded-Proto %q reached the handlers; believed %v", proto, believed)
			}
		})
	}
}
