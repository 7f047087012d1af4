package handlers

import (
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/localtime"
	"github.com/roomdesk/roomdesk/views/accountview"
)

// accountUser is the user whose account page this is: a signed-in user, or
// one whose session is waiting for them to set up a required second factor.
func accountUser(c echo.Context) (auth.User, bool, bool) {
	if u, ok := currentUser(c); ok {
		return u, false, true
	}
	if u, stage, ok := pending(c); ok && stage == auth.StageEnrol {
		return u, true, true
	}
	return auth.User{}, false, false
}

// requireAccount admits accountUser's users; anyone else signs in.
func (h *Handlers) requireAccount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, _, ok := accountUser(c); !ok {
			return redirect(c, "/login?next=/account")
		}
		return next(c)
	}
}

// AccountShow is GET /account: change password, set up the second factor.
func (h *Handlers) AccountShow(c echo.Context) error {
	return h.accountPage(c, http.StatusOK, accountview.Props{})
}

// accountPage fills in what every rendering of the page needs.
func (h *Handlers) accountPage(c echo.Context, status int, p accountview.Props) error {
	u, enrolling, _ := accountUser(c)
	u, err := h.Auth.ByID(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	p.Layout, p.Enrolling, p.MFA = h.page(c, tr(c, "account.Title"), ""), enrolling, u.MFA
	p.Zone = accountview.ZoneProps{Saved: u.Timezone, Default: localtime.Resolve(h.Timezone).String(),
		Choices: localtime.Choices(), Error: p.ZoneError}
	if u.FromProvider() {
		p.Provider = h.ssoName()
		if p.Provider == "" {
			p.Provider = "SSO"
		}
		return render(c, status, accountview.Page(p))
	}
	if !u.MFA && len(p.RecoveryCodes) == 0 {
		en, err := h.Auth.BeginEnrol(c.Request().Context(), u)
		if err != nil {
			return err
		}
		// A data: URL, which the CSP's img-src allows, so the secret never
		// needs a URL of its own (nor a cache entry).
		p.QRDataURL = templ.SafeURL("data:image/png;base64," + base64.StdEncoding.EncodeToString(en.QRPNG))
		p.Secret = en.Secret
	}
	return render(c, status, accountview.Page(p))
}

// AccountMFA is POST /account/mfa: confirm enrolment with a code. A
// session that was waiting on enrolment becomes a full one (new id).
func (h *Handlers) AccountMFA(c echo.Context) error {
	u, enrolling, _ := accountUser(c)
	if !enrolling {
		// Changing how one signs in takes the password again (ASVS 7.5.1);
		// at the enrolment stage it was typed a moment ago.
		err := h.Auth.CheckPassword(c.Request().Context(), u, c.FormValue("current"), actorFrom(c), "turning on a second factor")
		var ve *auth.ValidationError
		if errors.As(err, &ve) {
			return h.accountPage(c, http.StatusUnprocessableEntity, accountview.Props{
				CodeError: tr(c, "account.WrongPasswordForMFA")})
		}
		if err != nil {
			return err
		}
	}
	codes, err := h.Auth.ConfirmEnrol(c.Request().Context(), u, c.FormValue("code"), actorFrom(c))
	if errors.Is(err, auth.ErrBadCode) {
		return h.accountPage(c, http.StatusUnprocessableEntity, accountview.Props{
			CodeError: tr(c, "account.CodeMismatch")})
	}
	if err != nil {
		return err
	}
	if enrolling {
		if err := h.startSession(c, u, auth.StageFull); err != nil {
			return err
		}
		c.Set(ctxUser, u)
		c.Set(ctxPending, nil)
	}
	return h.accountPage(c, http.StatusOK, accountview.Props{RecoveryCodes: codes,
		Notice: tr(c, "account.MFATurnedOn")})
}

// AccountPassword is POST /account/password: the user's own password,
// checked against the current one; their other sessions end.
func (h *Handlers) AccountPassword(c echo.Context) error {
	u, _ := currentUser(c)
	next := c.FormValue("password")
	if next != c.FormValue("confirm") {
		return h.accountPage(c, http.StatusUnprocessableEntity, accountview.Props{
			PasswordErrors: map[string]string{"confirm": tr(c, "account.PasswordsDiffer")}})
	}
	sid, err := h.Auth.ChangeOwnPassword(c.Request().Context(), u, c.FormValue("current"), next, actorFrom(c))
	var ve *auth.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.accountPage(c, http.StatusUnprocessableEntity, accountview.Props{
			PasswordErrors: map[string]string{ve.Field: fieldMessage(c, ve)}})
	case err != nil:
		return err
	}
	if err := h.saveSession(c, sid); err != nil {
		return err
	}
	c.Set(ctxSessionID, sid)
	c.Set(ctxCSRF, deriveCSRF(sid))
	return h.accountPage(c, http.StatusOK, accountview.Props{Notice: tr(c, "account.PasswordChanged")})
}
