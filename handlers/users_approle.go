package handlers

import (
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/usersview"
)

// UsersAppRole is POST /admin/users/:id/app-role: the user's role in one
// app (none, viewer, operator), or "" to fall back to the global role.
func (h *Handlers) UsersAppRole(c echo.Context) error {
	u, err := h.targetUser(c)
	if err != nil {
		return h.usersFailed(c, err, 0)
	}
	app := c.FormValue("app")
	if h.Apps == nil {
		return echo.ErrNotFound
	}
	if _, ok := h.Apps.Get(app); !ok {
		return h.usersPage(c, http.StatusUnprocessableEntity, usersview.Props{Flash: usersview.Flash{
			Text: trf(c, "users.NoSuchApp", map[string]any{"App": app})}})
	}
	role, err := auth.ParseAppRole(c.FormValue("role"))
	if err == nil {
		err = h.Auth.SetAppRole(c.Request().Context(), actorFrom(c), u.ID, app, role)
	}
	if err != nil {
		return h.usersFailed(c, err, 0)
	}
	ctx := c.Request().Context()
	what := trf(c, "users.AppRoleGlobal", map[string]any{"Role": components.RoleName(ctx, string(u.Role))})
	if role == auth.RoleNone {
		what = tr(c, "users.NoAccess")
	} else if role != "" {
		what = components.RoleName(ctx, string(role))
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(c, "users.AppRoleSet", map[string]any{"User": u.Username, "Role": what, "App": app})})
}

// appRoleRows are a user's per-app overrides for the users page.
func (h *Handlers) appRoleRows(c echo.Context, userID int64) ([]usersview.AppRole, error) {
	roles, err := h.Auth.AppRoles(c.Request().Context(), userID)
	if err != nil {
		return nil, err
	}
	out := make([]usersview.AppRole, 0, len(roles))
	for app, r := range roles {
		out = append(out, usersview.AppRole{App: app, Role: string(r)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].App < out[j].App })
	return out, nil
}

// userApps are the configured apps for the per-app role form.
func (h *Handlers) userApps() []usersview.App {
	if h.Apps == nil {
		return nil
	}
	var out []usersview.App
	for _, a := range h.Apps.All() {
		out = append(out, usersview.App{ID: a.ID, Name: a.Name})
	}
	return out
}
