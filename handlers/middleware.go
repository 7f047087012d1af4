package handlers

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

const (
	sessionCookie = "roomdesk_session"
	sessionIDKey  = "sid"
	ctxUser       = "roomdesk.user"
	ctxSessionID  = "roomdesk.sid"
)

// contentSecurityPolicy allows only the console's own scripts and styles;
// images may come from any https host because room covers live on the
// app's CDN, which roomdesk cannot know in advance.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' https: data:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if isTLS(c) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// noStore keeps authenticated pages out of caches, so "back" after signing
// out shows no data.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// isTLS reports whether the browser reached us over HTTPS, directly or via
// a proxy that said so.
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

// metricsMiddleware counts requests by route pattern (never the raw path,
// which would make a series per RoomId).
func (h *Handlers) metricsMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if h.Metrics == nil {
			return err
		}
		status := c.Response().Status
		var he *echo.HTTPError
		if err != nil && errors.As(err, &he) {
			status = he.Code
		} else if err != nil {
			status = http.StatusInternalServerError
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m := c.Request().Method
		h.Metrics.Requests.WithLabelValues(route, m, strconv.Itoa(status)).Inc()
		h.Metrics.Latency.WithLabelValues(route, m).Observe(time.Since(start).Seconds())
		return err
	}
}

// loadSession resolves the session cookie to a user. A cookie whose server
// session is gone (signed out elsewhere, user disabled, expired) is cleared.
func (h *Handlers) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, _ := h.Sessions.Get(c.Request(), sessionCookie)
		sid, _ := s.Values[sessionIDKey].(string)
		if sid == "" {
			return next(c)
		}
		u, _, err := h.Auth.Session(c.Request().Context(), sid)
		if err != nil {
			if !errors.Is(err, auth.ErrNoSession) {
				return err
			}
			h.clearSession(c)
			return next(c)
		}
		c.Set(ctxUser, u)
		c.Set(ctxSessionID, sid)
		return next(c)
	}
}

// saveSession writes the cookie for a new server session.
func (h *Handlers) saveSession(c echo.Context, sid string) error {
	s := sessions.NewSession(h.Sessions, sessionCookie)
	s.Values[sessionIDKey] = sid
	s.Options = h.cookieOptions(c, int((8 * time.Hour).Seconds()))
	return h.Sessions.Save(c.Request(), c.Response(), s)
}

func (h *Handlers) clearSession(c echo.Context) {
	s := sessions.NewSession(h.Sessions, sessionCookie)
	s.Options = h.cookieOptions(c, -1)
	_ = h.Sessions.Save(c.Request(), c.Response(), s)
}

// cookieOptions overrides gorilla's defaults (30 days, no HttpOnly).
func (h *Handlers) cookieOptions(c echo.Context, maxAge int) *sessions.Options {
	return &sessions.Options{
		Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: h.secureCookie(c), SameSite: http.SameSiteLaxMode,
	}
}

// currentUser is the signed-in user, if any.
func currentUser(c echo.Context) (auth.User, bool) {
	u, ok := c.Get(ctxUser).(auth.User)
	return u, ok
}

// require admits signed-in users whose role is at least min. Anyone else
// is sent to sign in; a signed-in user without the role gets 403, and the
// refusal is audited.
func (h *Handlers) require(min auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := currentUser(c)
			if !ok {
				if c.Request().Method != http.MethodGet {
					return echo.NewHTTPError(http.StatusUnauthorized)
				}
				return redirect(c, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			if !u.Role.Allows(min) {
				h.appendEvent(c, audit.Entry{
					Action: audit.ActionDenied, Outcome: audit.OutcomeDenied,
					RoomID: c.Param("id"),
					Detail: fmt.Sprintf("%s %s needs role %s; %s has %s",
						c.Request().Method, c.Request().URL.Path, min, u.Username, u.Role),
				})
				return echo.NewHTTPError(http.StatusForbidden)
			}
			return next(c)
		}
	}
}
