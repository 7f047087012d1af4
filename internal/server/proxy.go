package server

import (
	"net"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"
)

// forwardedHeaders are the request headers a proxy uses to say who the
// client is and how it connected. Echo's Scheme and RealIP read several of
// them; the handlers read X-Forwarded-Proto.
var forwardedHeaders = []string{
	"Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Protocol",
	"X-Forwarded-Ssl", "X-Forwarded-Host", "X-Url-Scheme", "X-Real-Ip",
}

// dropUntrustedForwarded deletes the forwarded headers of every request
// whose TCP peer is not a trusted proxy, before routing: what anyone else
// says about the client's address or scheme is a claim, not a fact. Doing
// it once at the door keeps one rule of whom roomdesk believes, whatever
// reads the headers later.
func dropUntrustedForwarded(trusted []netip.Prefix) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if !fromTrusted(r, trusted) {
				for _, h := range forwardedHeaders {
					r.Header.Del(h)
				}
			}
			return next(c)
		}
	}
}

// fromTrusted reports whether the request's TCP peer is in trusted.
func fromTrusted(r *http.Request, trusted []netip.Prefix) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
