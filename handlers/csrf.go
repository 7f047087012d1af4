package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

const (
	ctxCSRF = "roomdesk.csrf"
	// preSessionKey holds, in the (signed and encrypted) session cookie of
	// a visitor who has not signed in, the random value the sign-in form's
	// token is derived from.
	preSessionKey = "pre"
)

// csrf refuses forged state-changing requests, in two layers.
//
// First, net/http's CrossOriginProtection: a browser request whose
// Sec-Fetch-Site is not same-origin (or none), or, from an older browser
// without it, whose Origin is another origin, is refused. That alone stops
// a sibling subdomain, which is same-site but not same-origin.
//
// Second, a request that does not come from a browser vouching for
// same-origin (no Sec-Fetch-Site) must carry the token, in the
// X-CSRF-Token header (htmx, via hx-headers on <body>) or the _csrf form
// field. The token is an HMAC of the server-side session's id, which lives
// only in the HttpOnly session cookie: a cookie planted by another site
// cannot pass, because no cookie holds the token any more, and a new
// sign-in (a new session id) rotates it. Before sign-in it is derived from
// a random value kept in the session cookie.
func (h *Handlers) csrf() echo.MiddlewareFunc {
	cop := http.NewCrossOriginProtection()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if err := cop.Check(r); err != nil {
				return errCrossSite
			}
			tok, err := h.csrfSecret(c)
			if err != nil {
				return err
			}
			c.Set(ctxCSRF, tok)
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			if r.Header.Get("Sec-Fetch-Site") == "same-origin" {
				return next(c)
			}
			got := r.Header.Get("X-CSRF-Token")
			if got == "" {
				got = c.FormValue("_csrf")
			}
			if !hmac.Equal([]byte(got), []byte(tok)) {
				return errCSRF
			}
			return next(c)
		}
	}
}

// csrfSecret is the request's token: derived from the session id when
// signed in, else from the pre-session value (created and stored in the
// session cookie on first need).
func (h *Handlers) csrfSecret(c echo.Context) (string, error) {
	if sid, ok := c.Get(ctxSessionID).(string); ok && sid != "" {
		return deriveCSRF(sid), nil
	}
	s, _ := h.Sessions.Get(c.Request(), h.cookieName(c))
	if pre, ok := s.Values[preSessionKey].(string); ok && len(pre) >= 32 {
		return deriveCSRF(pre), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	pre := base64.RawURLEncoding.EncodeToString(b)
	ns := sessions.NewSession(h.Sessions, h.cookieName(c))
	ns.Values[preSessionKey] = pre
	ns.Options = h.cookieOptions(c, int(preSessionMaxAge.Seconds()))
	if err := h.Sessions.Save(c.Request(), c.Response(), ns); err != nil {
		return "", err
	}
	return deriveCSRF(pre), nil
}

// deriveCSRF is HMAC-SHA256 keyed by the secret, so the token reveals
// nothing of the session id it comes from.
func deriveCSRF(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("roomdesk csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
