package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/localtime"
	"github.com/roomdesk/roomdesk/views/accountview"
)

// localZone puts the zone the request's pages show times in into its
// context (the user's saved zone, else ROOMDESK_TIMEZONE, else UTC), where
// components.Time and every form that reads a time find it. It runs after
// loadSession, beside localize.
func (h *Handlers) localZone(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		loc := localtime.Resolve(userZone(c), h.Timezone)
		c.SetRequest(r.WithContext(localtime.With(r.Context(), loc)))
		return next(c)
	}
}

// zone is where the signed-in user enters and reads times, with the name
// the forms show.
func (h *Handlers) zone(c echo.Context) (*time.Location, string) {
	loc := localtime.From(c.Request().Context())
	return loc, loc.String()
}

func userZone(c echo.Context) string {
	if u, ok := sessionUser(c); ok {
		return u.Timezone
	}
	return ""
}

// AccountTimezone is POST /account/timezone: the user's own zone, or ""
// for the server's default. Not audited, like the language: it changes
// nothing but how times read to that user.
func (h *Handlers) AccountTimezone(c echo.Context) error {
	u, _ := currentUser(c)
	name := strings.TrimSpace(c.FormValue("timezone"))
	if _, err := localtime.Load(name); err != nil || !localtime.Offered(name, h.Timezone) {
		return h.accountPage(c, http.StatusUnprocessableEntity, accountview.Props{
			ZoneError: tr(c, "account.ErrZone")})
	}
	if err := h.Auth.SetTimezone(c.Request().Context(), u.ID, name); err != nil {
		return err
	}
	// This very response already shows times in the new zone.
	u.Timezone = name
	c.Set(ctxUser, u)
	r := c.Request()
	c.SetRequest(r.WithContext(localtime.With(r.Context(), localtime.Resolve(name, h.Timezone))))
	return h.accountPage(c, http.StatusOK, accountview.Props{Notice: tr(c, "account.ZoneSaved")})
}
