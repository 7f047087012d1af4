package handlers

import (
	"github.com/labstack/echo/v4"
	"net/http"

	"github.com/roomdesk/roomdesk/views/usersview"
)

// UsersResetMFA is POST /admin/users/:id/mfa/reset: a lost phone. The
// user's second factor and recovery codes go, and their sessions end.
func (h *Handlers) UsersResetMFA(c echo.Context) error {
	u, err := h.targetUser(c)
	if err == nil {
		err = h.Auth.ResetMFA(c.Request().Context(), actorFrom(c), u.ID)
	}
	if err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	if h.isSelf(c, u) {
		return h.signedOut(c)
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(c, "users.MFARemoved", map[string]any{"User": u.Username})})
}
