package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/usersview"
)

// UsersList is GET /admin/users. The admin role is checked by middleware;
// the auth service checks it again on every change.
func (h *Handlers) UsersList(c echo.Context) error {
	return h.usersPage(c, http.StatusOK, usersview.Props{})
}

func (h *Handlers) usersPage(c echo.Context, status int, p usersview.Props) error {
	list, err := h.Auth.List(c.Request().Context())
	if err != nil {
		return err
	}
	me, _ := currentUser(c)
	activity, err := h.Auth.Activity(c.Request().Context())
	if err != nil {
		return err
	}
	for _, u := range list {
		a := activity[u.ID]
		row := usersview.Row{ID: u.ID, Username: u.Username, Role: string(u.Role),
			Disabled: u.Disabled, Created: u.CreatedAt, Self: u.ID == me.ID, MFA: u.MFA, SSO: u.FromProvider(),
			LastSignIn: a.LastSignIn, Sessions: a.Sessions, LastSeen: a.LastSeen}
		if row.AppRoles, err = h.appRoleRows(c, u.ID); err != nil {
			return err
		}
		p.Users = append(p.Users, row)
	}
	p.Apps = h.userApps()
	p.SSOName = h.ssoName()
	p.Layout = h.page(c, "Users", "users")
	c.Response().Header().Add("Vary", "HX-Request")
	if isHTMX(c) {
		return render(c, status, usersview.Region(p))
	}
	return render(c, status, usersview.Page(p))
}

// usersFailed maps the auth service's refusals to a message on the page.
// id is the row whose reset-password form a validation error belongs to.
func (h *Handlers) usersFailed(c echo.Context, err error, id int64) error {
	var ve *auth.ValidationError
	switch {
	case errors.As(err, &ve):
		return h.usersPage(c, http.StatusUnprocessableEntity, usersview.Props{
			Reset: usersview.Reset{UserID: id, Error: fieldMessage(c, ve)},
			Flash: usersview.Flash{Text: trf(c, "users.PasswordNotChanged", map[string]any{"Reason": fieldMessage(c, ve)})}})
	case errors.Is(err, auth.ErrNotFound):
		return h.usersPage(c, http.StatusNotFound, usersview.Props{Flash: usersview.Flash{
			Text: tr(c, "users.NoSuchUser")}})
	case errors.Is(err, auth.ErrLastAdmin):
		return h.usersPage(c, http.StatusConflict, usersview.Props{Flash: usersview.Flash{
			Text: tr(c, "users.LastAdmin")}})
	case errors.Is(err, auth.ErrForbidden):
		return echo.ErrForbidden
	case errors.Is(err, auth.ErrProviderUser):
		return h.usersPage(c, http.StatusConflict, usersview.Props{Flash: usersview.Flash{
			Text: i18n.T(c.Request().Context(), "oidc.NoPasswordHere")}})
	}
	return err
}

// targetUser is the user named by the :id path parameter.
func (h *Handlers) targetUser(c echo.Context) (auth.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return auth.User{}, auth.ErrNotFound
	}
	return h.Auth.ByID(c.Request().Context(), id)
}

func (h *Handlers) isSelf(c echo.Context, u auth.User) bool {
	me, ok := currentUser(c)
	return ok && me.ID == u.ID
}

// signedOut follows an action that ended the admin's own session.
func (h *Handlers) signedOut(c echo.Context) error {
	h.clearSession(c)
	return redirect(c, "/login?signed_out=1")
}

func usersOK(c echo.Context, id string, data map[string]any) usersview.Flash {
	return usersview.Flash{OK: true, Text: trf(c, id, data)}
}

// fieldMessage turns "must be 3 to 32 characters" into a sentence.
func fieldMessage(c echo.Context, ve *auth.ValidationError) string {
	if ve.ID != "" {
		return trf(c, ve.ID, ve.Data)
	}
	label := map[string]string{"username": "Username", "password": "Password", "role": "Role"}[ve.Field]
	if label == "" {
		label = ve.Field
	}
	return label + " " + ve.Message + "."
}
