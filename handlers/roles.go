package handlers

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// require admits signed-in users whose role is at least min. Anyone else
// is sent to sign in; a signed-in user without the role gets 403, and the
// refusal is audited.
func (h *Handlers) require(min auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := currentUser(c)
			if !ok {
				if c.Request().Method != http.MethodGet {
					return echo.NewHTTPError(http.StatusUnauthorized)
				}
				if to := h.pendingStep(c); to != "" {
					return redirect(c, to)
				}
				return redirect(c, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			if !u.Role.Allows(min) {
				h.deny(c, audit.Entry{
					Action: audit.ActionDenied, Outcome: audit.OutcomeDenied,
					RoomID: c.Param("id"),
					Detail: fmt.Sprintf("%s %s needs role %s; %s has %s",
						c.Request().Method, safetext.Clip(c.Request().URL.Path, safetext.DefaultMax), min, u.Username, u.Role),
				})
				return echo.NewHTTPError(http.StatusForbidden)
			}
			return next(c)
		}
	}
}
