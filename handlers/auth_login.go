package handlers

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/authview"
)

// LoginForm shows the sign-in page (or skips it for a signed-in user).
func (h *Handlers) LoginForm(c echo.Context) error {
	if _, ok := currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	p := h.loginProps(c, c.QueryParam("next"))
	if c.QueryParam("signed_out") == "1" {
		p.Notice = tr(c, "auth.SignedOut")
	}
	return render(c, http.StatusOK, authview.Login(p))
}

// Login checks the credentials and starts a new server-side session. The
// old session, if any, is ended first, so a session id planted before
// sign-in is worthless after it.
func (h *Handlers) Login(c echo.Context) error {
	username := strings.TrimSpace(c.FormValue("username"))
	p := h.loginProps(c, c.FormValue("next"))
	p.Username = username
	if h.LocalLogin.Mode == config.LocalLoginOff {
		p.Error = i18n.Tf(c.Request().Context(), "oidc.PasswordsOff", map[string]any{"Name": h.ssoName()})
		return render(c, http.StatusForbidden, authview.Login(p))
	}
	ctx := c.Request().Context()
	u, err := h.Auth.Authenticate(ctx, actorFrom(c), username, c.FormValue("password"))
	var locked *auth.LockedError
	switch {
	case errors.As(err, &locked):
		p.Error = trf(c, "auth.TooManySignIns", map[string]any{"Wait": waitText(c, locked.RetryAfter)})
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(locked.RetryAfter.Seconds()))))
		return render(c, http.StatusTooManyRequests, authview.Login(p))
	case errors.Is(err, auth.ErrInvalidCredentials):
		p.Error = tr(c, "auth.WrongPassword")
		return render(c, http.StatusUnauthorized, authview.Login(p))
	case err != nil:
		return err
	}
	stage := h.stageFor(u)
	if err := h.startSession(c, u, stage); err != nil {
		return err
	}
	switch stage {
	case auth.StageMFA:
		return c.Redirect(http.StatusSeeOther, "/login/mfa?next="+url.QueryEscape(safeNext(p.Next)))
	case auth.StageEnrol:
		return c.Redirect(http.StatusSeeOther, "/account")
	}
	return c.Redirect(http.StatusSeeOther, safeNext(p.Next))
}

// Logout ends the session on the server, not only in the browser. A
// provider user is then sent to the provider's logout (RP-initiated
// logout) when its discovery document offers one, which sends them back
// to the sign-in page.
func (h *Handlers) Logout(c echo.Context) error {
	u, _ := currentUser(c)
	if sid, ok := c.Get(ctxSessionID).(string); ok {
		if err := h.Auth.EndSession(c.Request().Context(), sid, actorFrom(c)); err != nil {
			return err
		}
	}
	h.clearSession(c)
	if h.SSO != nil && u.FromProvider() {
		if to := h.SSO.LogoutURL(c.Request().Context(), h.SSO.PostLogoutURL()); to != "" {
			return redirect(c, to)
		}
	}
	return redirect(c, "/login?signed_out=1")
}

// loginProps are the sign-in page's settings: which ways to sign in show.
func (h *Handlers) loginProps(c echo.Context, next string) authview.LoginProps {
	return authview.LoginProps{Next: next, CSRF: csrfToken(c), Demo: h.Demo, SSOName: h.ssoName(),
		Passwords: h.LocalLogin.Mode != config.LocalLoginOff, BreakGlass: h.LocalLogin.Mode == config.LocalLoginBreakGlass}
}

// ssoName is the provider's name on the button, "" when there is none.
func (h *Handlers) ssoName() string {
	if h.SSO == nil {
		return ""
	}
	return h.SSO.Name()
}

// waitText says how long to wait in words a person reads.
func waitText(c echo.Context, d time.Duration) string {
	ctx := c.Request().Context()
	if s := int(math.Ceil(d.Seconds())); s < 60 {
		return i18n.Tn(ctx, "auth.WaitSeconds", s, nil)
	}
	m := int(math.Ceil(d.Minutes()))
	if m == 1 {
		return i18n.T(ctx, "auth.WaitMinute")
	}
	return i18n.Tn(ctx, "auth.WaitMinutes", m, nil)
}
