package handlers

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/usersview"
)

// UsersCreate is POST /admin/users. Bad input answers 422 with the form
// re-rendered (passwords never echoed) and a message next to each field.
func (h *Handlers) UsersCreate(c echo.Context) error {
	f := usersview.Form{Username: strings.TrimSpace(c.FormValue("username")), Role: c.FormValue("role"), Errors: map[string]string{}}
	password := c.FormValue("password")
	role, err := auth.ParseRole(f.Role)
	if err != nil {
		f.Errors["role"] = tr(c, "users.ChooseRole")
	}
	if password != c.FormValue("confirm") {
		f.Errors["confirm"] = tr(c, "users.PasswordsDiffer")
	}
	if len(f.Errors) > 0 {
		// Report the name and length too, rather than one error per submit.
		var ve *auth.ValidationError
		if errors.As(auth.ValidateUsername(strings.ToLower(f.Username)), &ve) {
			f.Errors[ve.Field] = fieldMessage(c, ve)
		}
		if utf8.RuneCountInString(password) < auth.MinPasswordLen {
			f.Errors["password"] = trf(c, "auth.ErrPasswordShort", map[string]any{"Min": auth.MinPasswordLen})
		}
	} else {
		u, err := h.Auth.Create(c.Request().Context(), actorFrom(c), f.Username, password, role)
		var ve *auth.ValidationError
		switch {
		case errors.As(err, &ve):
			f.Errors[ve.Field] = fieldMessage(c, ve)
		case err != nil:
			return err
		default:
			return h.usersPage(c, http.StatusOK, usersview.Props{Flash: usersOK(c, "users.Added",
				map[string]any{"User": u.Username, "Role": components.RoleName(c.Request().Context(), string(u.Role))})})
		}
	}
	return h.usersPage(c, http.StatusUnprocessableEntity, usersview.Props{
		Form: f, Flash: usersview.Flash{Text: tr(c, "users.NotAdded")}})
}
