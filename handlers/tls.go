package handlers

import (
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// isTLS reports whether the browser reached us over HTTPS, directly or via
// a trusted proxy that said so: internal/server drops X-Forwarded-Proto
// from every peer outside ROOMDESK_TRUSTED_PROXIES before routing.
func isTLS(c echo.Context) bool {
	r := c.Request()
	return r.TLS != nil || forwardedHTTPS(r)
}

func forwardedHTTPS(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// secureCookie reports whether cookies may carry the Secure flag (the
// rule is config.Config.SecureCookie's).
func (h *Handlers) secureCookie(c echo.Context) bool {
	r := c.Request()
	return h.SecureCookie(r.TLS != nil, forwardedHTTPS(r), loopbackHost(r.Host))
}

func loopbackHost(host string) bool {
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
