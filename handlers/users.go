package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	usersview "github.com/roomdesk/roomdesk/views/users"
)

// UsersList is GET /admin/users. The admin role is checked by middleware;
// the auth service checks it again on every change.
func (h *Handlers) UsersList(c echo.Context) error {
	return h.usersPage(c, http.StatusOK, usersview.Props{})
}

// UsersCreate is POST /admin/users. Bad input answers 422 with the form
// re-rendered (passwords never echoed) and a message next to each field.
func (h *Handlers) UsersCreate(c echo.Context) error {
	f := usersview.Form{Username: strings.TrimSpace(c.FormValue("username")), Role: c.FormValue("role"), Errors: map[string]string{}}
	password := c.FormValue("password")
	role, err := auth.ParseRole(f.Role)
	if err != nil {
		f.Errors["role"] = "Choose viewer, operator or admin."
	}
	if password != c.FormValue("confirm") {
		f.Errors["confirm"] = "The two passwords don't match."
	}
	if len(f.Errors) > 0 {
		// Report the name and length too, rather than one error per submit.
		var ve *auth.ValidationError
		if errors.As(auth.ValidateUsername(strings.ToLower(f.Username)), &ve) {
			f.Errors[ve.Field] = fieldMessage(ve)
		}
		if utf8.RuneCountInString(password) < auth.MinPasswordLen {
			f.Errors["password"] = fmt.Sprintf("Password must be at least %d characters.", auth.MinPasswordLen)
		}
	} else {
		u, err := h.Auth.Create(c.Request().Context(), h.actor(c), f.Username, password, role)
		var ve *auth.ValidationError
		switch {
		case errors.As(err, &ve):
			f.Errors[ve.Field] = fieldMessage(ve)
		case err != nil:
			return err
		default:
			return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(
				"Added %s as %s. They can sign in now with the password you chose.", u.Username, u.Role)})
		}
	}
	return h.usersPage(c, http.StatusUnprocessableEntity, usersview.Props{
		Form: f, Flash: usersview.Flash{Text: "The user was not added. Check the fields marked below."}})
}

// UsersDisable is POST /admin/users/:id/disable: the user's sessions end at once.
func (h *Handlers) UsersDisable(c echo.Context) error {
	u, err := h.targetUser(c)
	if err != nil {
		return h.usersFailed(c, err, 0)
	}
	if h.isSelf(c, u) {
		return h.usersPage(c, http.StatusConflict, usersview.Props{Flash: usersview.Flash{
			Text: "You can't disable your own account. Another admin can do it."}})
	}
	if err := h.Auth.SetDisabled(c.Request().Context(), h.actor(c), u.ID, true); err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(
		"Disabled %s. Their sessions have ended and they can't sign in until enabled again.", u.Username)})
}

// UsersEnable is POST /admin/users/:id/enable.
func (h *Handlers) UsersEnable(c echo.Context) error {
	u, err := h.targetUser(c)
	if err == nil {
		err = h.Auth.SetDisabled(c.Request().Context(), h.actor(c), u.ID, false)
	}
	if err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK("Enabled %s. They can sign in again.", u.Username)})
}

// UsersPassword is POST /admin/users/:id/password: a new password, and every
// session of that user ends (the admin's own too, when it is theirs).
func (h *Handlers) UsersPassword(c echo.Context) error {
	u, err := h.targetUser(c)
	if err == nil {
		err = h.Auth.SetPassword(c.Request().Context(), h.actor(c), u.ID, c.FormValue("password"))
	}
	if err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	if h.isSelf(c, u) {
		return h.signedOut(c)
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(
		"Set a new password for %s. Their open sessions have ended.", u.Username)})
}

// UsersEndSessions is POST /admin/users/:id/sessions/end: "sign out everywhere".
func (h *Handlers) UsersEndSessions(c echo.Context) error {
	u, err := h.targetUser(c)
	var n int64
	if err == nil {
		n, err = h.Auth.EndUserSessions(c.Request().Context(), h.actor(c), u.ID)
	}
	if err != nil {
		return h.usersFailed(c, err, u.ID)
	}
	if h.isSelf(c, u) {
		return h.signedOut(c)
	}
	msg := fmt.Sprintf("Ended %d sessions of %s.", n, u.Username)
	switch n {
	case 0:
		msg = u.Username + " had no open sessions."
	case 1:
		msg = "Ended 1 session of " + u.Username + "."
	}
	return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersview.Flash{OK: true, Text: msg}})
}

// usersPage renders the page (or, for htmx, its region) with the current
// list of users, so every action's answer shows the table as it now is.
func (h *Handlers) usersPage(c echo.Context, status int, p usersview.Props) error {
	list, err := h.Auth.List(c.Request().Context())
	if err != nil {
		return err
	}
	me, _ := currentUser(c)
	for _, u := range list {
		p.Users = append(p.Users, usersview.Row{ID: u.ID, Username: u.Username, Role: string(u.Role),
			Disabled: u.Disabled, Created: u.CreatedAt, Self: u.ID == me.ID})
	}
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
			Reset: usersview.Reset{UserID: id, Error: fieldMessage(ve)},
			Flash: usersview.Flash{Text: "The password was not changed. " + fieldMessage(ve)}})
	case errors.Is(err, auth.ErrNotFound):
		return h.usersPage(c, http.StatusNotFound, usersview.Props{Flash: usersview.Flash{
			Text: "That user doesn't exist (any more). The list below is current."}})
	case errors.Is(err, auth.ErrLastAdmin):
		return h.usersPage(c, http.StatusConflict, usersview.Props{Flash: usersview.Flash{
			Text: "That is the last enabled admin: without them nobody could manage users. Add or enable another admin first."}})
	case errors.Is(err, auth.ErrForbidden):
		return echo.ErrForbidden
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

func (h *Handlers) actor(c echo.Context) auth.Actor {
	me, _ := currentUser(c)
	return auth.ActorFor(me, c.RealIP(), c.Request().UserAgent())
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

func usersOK(format string, args ...any) usersview.Flash {
	return usersview.Flash{OK: true, Text: fmt.Sprintf(format, args...)}
}

// fieldMessage turns "must be 3 to 32 characters" into a sentence.
func fieldMessage(ve *auth.ValidationError) string {
	label := map[string]string{"username": "Username", "password": "Password", "role": "Role"}[ve.Field]
	if label == "" {
		label = ve.Field
	}
	return label + " " + ve.Message + "."
}
