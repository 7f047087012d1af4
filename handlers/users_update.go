package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/usersview"
)

// UsersDisable is POST /admin/users/:id/disable: the user's sessions end at once.
func (h *Handlers) UsersDisable(c echo.Context) error {
	u, err := h.targetUser(c)
	if err != nil {
		return h.usersFailed(c, err, 0)
	}
	if h.isSelf(c, u) {
		return h.usersPage(c, http.StatusConflict, usersview.Props{Flash: usersview.Flash{
			Text: tr(c, "users.CantDisableSelfFlash")}})
	}
	if err := h.Auth.SetDisabled(c.Request().Context(), actorFrom(c), u.ID, true); err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(c, "users.DisabledFlash", map[string]any{"User": u.Username})})
}

// UsersEnable is POST /admin/users/:id/enable.
func (h *Handlers) UsersEnable(c echo.Context) error {
	u, err := h.targetUser(c)
	if err == nil {
		err = h.Auth.SetDisabled(c.Request().Context(), actorFrom(c), u.ID, false)
	}
	if err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(c, "users.EnabledFlash", map[string]any{"User": u.Username})})
}

// UsersPassword is POST /admin/users/:id/password: a new password, and every
// session of that user ends (the admin's own too, when it is theirs).
func (h *Handlers) UsersPassword(c echo.Context) error {
	u, err := h.targetUser(c)
	if err == nil {
		err = h.Auth.SetPassword(c.Request().Context(), actorFrom(c), u.ID, c.FormValue("password"))
	}
	if err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	if h.isSelf(c, u) {
		return h.signedOut(c)
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(c, "users.PasswordSet", map[string]any{"User": u.Username})})
}

// UsersEndSessions is POST /admin/users/:id/sessions/end: "sign out everywhere".
func (h *Handlers) UsersEndSessions(c echo.Context) error {
	u, err := h.targetUser(c)
	var n int64
	if err == nil {
		n, err = h.Auth.EndUserSessions(c.Request().Context(), actorFrom(c), u.ID)
	}
	if err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	if h.isSelf(c, u) {
		return h.signedOut(c)
	}
	msg := i18n.Tn(c.Request().Context(), "users.SessionsEnded", int(n), map[string]any{"User": u.Username})
	if n == 0 {
		msg = trf(c, "users.NoSessions", map[string]any{"User": u.Username})
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersview.Flash{OK: true, Text: msg}})
}

// usersPage renders the page (or, for htmx, its region) with the current
