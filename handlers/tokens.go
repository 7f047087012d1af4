package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/apitoken"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/notifyview"
)

// AccountTokens is GET /account/tokens: your own API tokens.
func (h *Handlers) AccountTokens(c echo.Context) error {
	return h.tokensPage(c, http.StatusOK, false, notifyview.TokensProps{})
}

// AdminTokens is GET /admin/tokens: everyone's API tokens.
func (h *Handlers) AdminTokens(c echo.Context) error {
	return h.tokensPage(c, http.StatusOK, true, notifyview.TokensProps{})
}

// AccountTokenCreate is POST /account/tokens: a token for yourself.
func (h *Handlers) AccountTokenCreate(c echo.Context) error {
	me, _ := currentUser(c)
	return h.tokenCreate(c, false, me)
}

// AdminTokenCreate is POST /admin/tokens: a token for any user.
func (h *Handlers) AdminTokenCreate(c echo.Context) error {
	id, _ := strconv.ParseInt(c.FormValue("user"), 10, 64)
	u, err := h.Auth.ByID(c.Request().Context(), id)
	if errors.Is(err, auth.ErrNotFound) {
		return h.tokensPage(c, http.StatusUnprocessableEntity, true, notifyview.TokensProps{
			Flash: notifyview.Flash{Text: i18n.T(c.Request().Context(), "notify.TokenUserGone")}})
	}
	if err != nil {
		return err
	}
	return h.tokenCreate(c, true, u)
}

func (h *Handlers) tokenCreate(c echo.Context, admin bool, for_ auth.User) error {
	ctx := c.Request().Context()
	plain, _, err := h.Tokens.Create(ctx, actorFrom(c), for_, c.FormValue("name"))
	switch {
	case errors.Is(err, apitoken.ErrBadName):
		return h.tokensPage(c, http.StatusUnprocessableEntity, admin, notifyview.TokensProps{
			NameError: i18n.T(ctx, "notify.TokenNameError"), Flash: notifyview.Flash{Text: i18n.T(ctx, "notify.TokenNotCreated")}})
	case errors.Is(err, apitoken.ErrForbidden):
		return echo.ErrForbidden
	case err != nil:
		return err
	}
	return h.tokensPage(c, http.StatusOK, admin, notifyview.TokensProps{Created: plain})
}

// AccountTokenRevoke is POST /account/tokens/:id/revoke (your own only).
func (h *Handlers) AccountTokenRevoke(c echo.Context) error { return h.tokenRevoke(c, false) }

// AdminTokenRevoke is POST /admin/tokens/:id/revoke.
func (h *Handlers) AdminTokenRevoke(c echo.Context) error { return h.tokenRevoke(c, true) }

func (h *Handlers) tokenRevoke(c echo.Context, admin bool) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	me, _ := currentUser(c)
	actor := actorFrom(c)
	if !admin {
		actor.Role = string(auth.RoleViewer) // the account page acts for yourself only, whatever your role
	}
	err = h.Tokens.Revoke(c.Request().Context(), actor, me.ID, id)
	switch {
	case errors.Is(err, apitoken.ErrNotFound), errors.Is(err, apitoken.ErrForbidden):
		return echo.ErrNotFound // someone else's token is none of yours
	case err != nil:
		return err
	}
	return h.tokensPage(c, http.StatusOK, admin, notifyview.TokensProps{
		Flash: notifyview.Flash{OK: true, Text: i18n.T(c.Request().Context(), "notify.TokenRevokedFlash")}})
}

func (h *Handlers) tokensPage(c echo.Context, status int, admin bool, p notifyview.TokensProps) error {
	me, _ := currentUser(c)
	owner := me.ID
	p.Admin, p.Base = admin, "/account/tokens"
	if admin {
		owner, p.Base = 0, "/admin/tokens"
		users, err := h.Auth.List(c.Request().Context())
		if err != nil {
			return err
		}
		for _, u := range users {
			if !u.Disabled {
				p.Users = append(p.Users, notifyview.Choice{Value: strconv.FormatInt(u.ID, 10), Label: u.Username + " (" + components.RoleName(c.Request().Context(), string(u.Role)) + ")"})
			}
		}
	}
	list, err := h.Tokens.List(c.Request().Context(), owner)
	if err != nil {
		return err
	}
	for _, t := range list {
		p.Tokens = append(p.Tokens, notifyview.TokenRow{ID: t.ID, User: t.Username, Name: t.Name, Hint: t.Hint,
			CreatedBy: t.CreatedBy, Created: t.CreatedAt, LastUsed: t.LastUsed, Revoked: t.Revoked})
	}
	active := ""
	if admin {
		active = "webhooks"
	}
	p.Layout = h.page(c, i18n.T(c.Request().Context(), "notify.TokensTitle"), active)
	return render(c, status, notifyview.Tokens(p))
}
