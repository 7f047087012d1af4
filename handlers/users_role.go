package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/usersview"
)

// UsersRole is POST /admin/users/:id/role: the user's global role. Their
// sessions end, so the new rights hold from their next sign-in and the old
// ones from no request at all.
func (h *Handlers) UsersRole(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := h.targetUser(c)
	if err != nil {
		return h.usersFailed(c, err, 0)
	}
	role := auth.Role(c.FormValue("role"))
	err = h.Auth.SetRole(ctx, actorFrom(c), u.ID, role)
	var ve *auth.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.usersPage(c, http.StatusUnprocessableEntity, usersview.Props{Flash: usersview.Flash{Text: i18n.T(ctx, "daily.RoleInvalid")}})
	case errors.Is(err, auth.ErrOwnRole):
		return h.usersPage(c, http.StatusConflict, usersview.Props{Flash: usersview.Flash{Text: i18n.T(ctx, "daily.RoleOwn")}})
	case err != nil:
		return h.usersFailed(c, err, 0)
	case u.Role == role:
		return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersview.Flash{OK: true,
			Text: i18n.Tf(ctx, "daily.RoleSame", map[string]any{"User": u.Username, "Role": string(role)})}})
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersview.Flash{OK: true,
		Text: i18n.Tf(ctx, "daily.RoleChanged", map[string]any{"User": u.Username, "Role": string(role)})}})
}
