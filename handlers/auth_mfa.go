package handlers

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/views/authview"
)

// mfaRequired applies ROOMDESK_REQUIRE_MFA to a user.
func (h *Handlers) mfaRequired(u auth.User) bool {
	switch h.RequireMFA {
	case config.MFAAll:
		return true
	case config.MFAAdmins:
		return u.Role == auth.RoleAdmin
	}
	return false
}

// stageFor is the session a correct password earns: full, or one that
// must still show a second factor (enrolled) or set one up (required).
func (h *Handlers) stageFor(u auth.User) string {
	switch {
	case u.MFA:
		return auth.StageMFA
	case h.mfaRequired(u):
		return auth.StageEnrol
	}
	return auth.StageFull
}

// pending is the user of a session still short of its second factor.
func pending(c echo.Context) (auth.User, string, bool) {
	u, ok := c.Get(ctxPending).(auth.User)
	stage, _ := c.Get(ctxStage).(string)
	return u, stage, ok
}

// pendingStep is where a half-signed-in browser goes next, "" if nowhere.
func (h *Handlers) pendingStep(c echo.Context) string {
	switch _, stage, ok := pending(c); {
	case ok && stage == auth.StageMFA:
		return "/login/mfa"
	case ok && stage == auth.StageEnrol:
		return "/account"
	}
	return ""
}

// MFAForm is GET /login/mfa: the second sign-in step.
func (h *Handlers) MFAForm(c echo.Context) error {
	if _, stage, ok := pending(c); !ok || stage != auth.StageMFA {
		return redirect(c, "/login")
	}
	return render(c, http.StatusOK, authview.MFA(authview.MFAProps{Next: c.QueryParam("next"), CSRF: csrfToken(c), Demo: h.Demo}))
}

// MFAVerify is POST /login/mfa: a right code (or recovery code) turns the
// half session into a full one under a new id.
func (h *Handlers) MFAVerify(c echo.Context) error {
	u, stage, ok := pending(c)
	if !ok || stage != auth.StageMFA {
		return redirect(c, "/login")
	}
	p := authview.MFAProps{Next: c.FormValue("next"), CSRF: csrfToken(c), Demo: h.Demo}
	err := h.Auth.VerifySecondFactor(c.Request().Context(), u, c.FormValue("code"), actorFrom(c))
	var locked *auth.LockedError
	switch {
	case errors.As(err, &locked):
		p.Error = trf(c, "auth.TooManyCodes", map[string]any{"Wait": waitText(c, locked.RetryAfter)})
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(locked.RetryAfter.Seconds()))))
		return render(c, http.StatusTooManyRequests, authview.MFA(p))
	case errors.Is(err, auth.ErrBadCode):
		p.Error = tr(c, "auth.BadCode")
		return render(c, http.StatusUnauthorized, authview.MFA(p))
	case err != nil:
		return err
	}
	if err := h.startSession(c, u, auth.StageFull); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(p.Next))
}

// startSession ends the request's session, if any, and starts a new one
// at stage: every step up in trust gets a new id.
func (h *Handlers) startSession(c echo.Context, u auth.User, stage string) error {
	ctx := c.Request().Context()
	if sid, ok := c.Get(ctxSessionID).(string); ok {
		_ = h.Auth.EndSession(ctx, sid, actorFrom(c))
	}
	sid, err := h.Auth.CreateSessionStage(ctx, u, actorFrom(c), stage)
	if err != nil {
		return err
	}
	return h.saveSession(c, sid)
}
