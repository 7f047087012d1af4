package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
)

const (
	sessionCookie = "roomdesk_session"
	// hostPrefix binds a cookie to this exact origin over HTTPS: the
	// browser refuses one that was set without Secure, for a Domain, or
	// for another path, so a sibling subdomain or a plain-HTTP hop cannot
	// plant or overwrite it.
	hostPrefix       = "__Host-"
	preSessionMaxAge = time.Hour
	sessionIDKey     = "sid"
	ctxUser          = "roomdesk.user"
	ctxSessionID     = "roomdesk.sid"
	// ctxPending is the user of a session still short of its second
	// factor (stage mfa or enrol): not signed in, but known.
	ctxPending = "roomdesk.pending"
	ctxStage   = "roomdesk.stage"
)

// loadSession resolves the session cookie to a user. A cookie whose server
// session is gone (signed out elsewhere, user disabled, expired) is cleared.
func (h *Handlers) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s, _ := h.Sessions.Get(c.Request(), h.cookieName(c))
		sid, _ := s.Values[sessionIDKey].(string)
		if sid == "" {
			return next(c)
		}
		u, info, err := h.Auth.Session(c.Request().Context(), sid)
		if err != nil {
			if !errors.Is(err, auth.ErrNoSession) {
				return err
			}
			h.clearSession(c)
			return next(c)
		}
		c.Set(ctxSessionID, sid)
		if info.Stage != auth.StageFull {
			c.Set(ctxPending, u)
			c.Set(ctxStage, info.Stage)
			return next(c)
		}
		c.Set(ctxUser, u)
		return next(c)
	}
}

// saveSession writes the cookie for a new server session.
func (h *Handlers) saveSession(c echo.Context, sid string) error {
	s := sessions.NewSession(h.Sessions, h.cookieName(c))
	s.Values[sessionIDKey] = sid
	s.Options = h.cookieOptions(c, int((8 * time.Hour).Seconds()))
	return h.Sessions.Save(c.Request(), c.Response(), s)
}

func (h *Handlers) clearSession(c echo.Context) {
	s := sessions.NewSession(h.Sessions, h.cookieName(c))
	s.Options = h.cookieOptions(c, -1)
	_ = h.Sessions.Save(c.Request(), c.Response(), s)
}

// cookieName is the session cookie's name: __Host-roomdesk_session when
// the browser reached us over HTTPS, plain roomdesk_session otherwise (a
// browser rejects __Host- cookies on http://, loopback included).
func (h *Handlers) cookieName(c echo.Context) string {
	if isTLS(c) && h.secureCookie(c) {
		return hostPrefix + sessionCookie
	}
	return sessionCookie
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
