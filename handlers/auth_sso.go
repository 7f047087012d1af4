package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/sso"
	"github.com/roomdesk/roomdesk/views/authview"
)

// ssoBindingKey holds, in the signed and encrypted session cookie, the
// random value a sign-in with the provider is bound to: the callback is
// accepted only from the browser that started it.
const ssoBindingKey = "sso"

// SSOStart is POST /login/sso: the "Sign in with …" button. It starts a
// flow and sends the browser to the provider.
func (h *Handlers) SSOStart(c echo.Context) error {
	if h.SSO == nil {
		return echo.ErrNotFound
	}
	next := safeNext(c.FormValue("next"))
	if _, ok := currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, next)
	}
	to, binding, err := h.SSO.Begin(c.Request().Context(), next)
	if errors.Is(err, sso.ErrUnreachable) {
		p := h.loginProps(c, c.FormValue("next"))
		p.Error = i18n.Tf(c.Request().Context(), "oidc.Unreachable", map[string]any{"Name": h.SSO.Name()})
		return render(c, http.StatusServiceUnavailable, authview.Login(p))
	}
	if err != nil {
		return err
	}
	s, _ := h.Sessions.Get(c.Request(), h.cookieName(c))
	s.Values[ssoBindingKey] = binding
	s.Options = h.cookieOptions(c, int(preSessionMaxAge.Seconds()))
	if err := h.Sessions.Save(c.Request(), c.Response(), s); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// SSOCallback is GET /login/sso/callback, where the provider sends the
// browser back. A sign-in the sso service accepts starts a session that
// ends no later than the ID token; a refusal gets a page that says what
// to do about it (the audit row says exactly why).
func (h *Handlers) SSOCallback(c echo.Context) error {
	if h.SSO == nil {
		return echo.ErrNotFound
	}
	s, _ := h.Sessions.Get(c.Request(), h.cookieName(c))
	binding, _ := s.Values[ssoBindingKey].(string)
	ctx := c.Request().Context()
	res, err := h.SSO.Finish(ctx, c.QueryParams(), binding, actorFrom(c))
	var ref *sso.Refusal
	switch {
	case errors.As(err, &ref):
		delete(s.Values, ssoBindingKey)
		_ = h.Sessions.Save(c.Request(), c.Response(), s)
		return h.ssoRefused(c, ref.Kind)
	case errors.Is(err, sso.ErrUnreachable):
		return h.ssoRefused(c, "unreachable")
	case err != nil:
		return err
	}
	if sid, ok := c.Get(ctxSessionID).(string); ok {
		_ = h.Auth.EndSession(ctx, sid, actorFrom(c))
	}
	sid, err := h.Auth.CreateSessionUntil(ctx, res.User, actorFrom(c), res.Expiry)
	if err != nil {
		return err
	}
	if err := h.saveSession(c, sid); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(res.Next))
}

func (h *Handlers) ssoRefused(c echo.Context, kind sso.RefusalKind) error {
	status := map[sso.RefusalKind]int{
		sso.RefusedState: http.StatusBadRequest, sso.RefusedProvider: http.StatusUnauthorized,
		sso.RefusedNoGroup: http.StatusForbidden, sso.RefusedDisabled: http.StatusForbidden,
	}[kind]
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	return render(c, status, authview.SSORefused(authview.SSORefusedProps{
		Kind: string(kind), Provider: h.SSO.Name(), CSRF: csrfToken(c), Demo: h.Demo,
	}))
}

// localAccount refuses the password and second-factor forms to a user who
// signs in with the identity provider: there is no password here to check
// or change, and the provider does their second factor.
func (h *Handlers) localAccount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u, _, ok := accountUser(c); ok && u.FromProvider() {
			return echo.NewHTTPError(http.StatusConflict, i18n.T(c.Request().Context(), "oidc.NoPasswordHere"))
		}
		return next(c)
	}
}

// ssoCSP lets a page's forms lead to the provider: the sign-in button's
// POST is answered with a redirect to its authorization endpoint, sign-out
// with one to its end-session endpoint, and the browser holds such
// redirects to the page's form-action directive.
func (h *Handlers) ssoCSP(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.SSO != nil {
			if c.Request().Method == http.MethodGet && c.Request().URL.Path == "/login" {
				// Discovery first, so the sign-in page names the real endpoints.
				h.SSO.Prepare(c.Request().Context())
			}
			hd := c.Response().Header()
			allowed := "form-action 'self' " + strings.Join(h.SSO.FormOrigins(), " ")
			hd.Set("Content-Security-Policy", strings.Replace(hd.Get("Content-Security-Policy"), "form-action 'self'", allowed, 1))
		}
		return next(c)
	}
}
