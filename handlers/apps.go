package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/apps"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
	"github.com/roomdesk/roomdesk/views/components"
)

const (
	ctxApp     = "roomdesk.app"      // *apps.App the request is about
	ctxAppRole = "roomdesk.app_role" // the user's role in that app
)

// inApp resolves the Tencent app a route is about and checks the user's
// role in it (auth.Service.RoleIn: a per-app role overrides the global
// one). /apps/{app}/… names the app; the single-app URLs (/rooms…) are the
// default app's, so every old link and form keeps working unchanged. A
// refusal is a 403, audited with the app.
func (h *Handlers) inApp(min auth.Role) echo.MiddlewareFunc {
	signedIn := h.require(auth.RoleViewer) // sign-in only: the role is per app
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		check := func(c echo.Context) error {
			if h.Apps == nil { // handler tests without a registry: one app
				return h.require(min)(next)(c)
			}
			a, base := h.Apps.Default(), ""
			if id := c.Param("app"); id != "" {
				var ok bool
				if a, ok = h.Apps.Get(id); !ok {
					return echo.ErrNotFound
				}
				base = components.AppPath(a.ID)
			}
			u, _ := currentUser(c)
			role, err := h.Auth.RoleIn(c.Request().Context(), u, a.ID)
			if err != nil {
				return err
			}
			c.Set(ctxApp, a)
			c.Set(ctxAppRole, role)
			if !role.Allows(min) {
				h.deny(c, audit.Entry{
					Action: audit.ActionDenied, Outcome: audit.OutcomeDenied, App: a.ID,
					RoomID: c.Param("id"),
					// The same words as a global refusal; the app is in its column.
					Detail: fmt.Sprintf("%s %s needs role %s; %s has %s",
						c.Request().Method, safetext.Clip(c.Request().URL.Path, safetext.DefaultMax), min, u.Username, role),
				})
				return echo.NewHTTPError(http.StatusForbidden)
			}
			c.SetRequest(c.Request().WithContext(components.WithAppBase(c.Request().Context(), base)))
			if err := h.withNames(c, a.ID); err != nil {
				return err
			}
			return next(c)
		}
		return signedIn(check)
	}
}

// appOf is the app the request is about: the route's, else the default
// (nil without a registry).
func (h *Handlers) appOf(c echo.Context) *apps.App {
	if a, ok := c.Get(ctxApp).(*apps.App); ok {
		return a
	}
	if h.Apps != nil {
		return h.Apps.Default()
	}
	return nil
}

// rooms is the rooms service of the request's app.
func (h *Handlers) rooms(c echo.Context) *rooms.Service {
	if a := h.appOf(c); a != nil {
		return a.Rooms
	}
	return h.Rooms
}

// bulk is the bulk service of the request's app.
func (h *Handlers) bulk(c echo.Context) *bulk.Service {
	if a := h.appOf(c); a != nil && a.Bulk != nil {
		return a.Bulk
	}
	return h.Bulk
}

// jobInApp answers 404 for a job of another app: a job's pages, progress,
// cancel, retry and results exist only under the app whose rooms it edits.
func (h *Handlers) jobInApp(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := jobID(c)
		if err != nil {
			return err
		}
		if _, err := h.bulk(c).Job(c.Request().Context(), id); errors.Is(err, bulk.ErrNotFound) {
			return echo.ErrNotFound
		} else if err != nil {
			return err
		}
		return next(c)
	}
}

// AppsCSS is GET /apps.css: each app's colour as a rule, since the CSP
// allows no inline style. Production apps all wear the production red.
func (h *Handlers) AppsCSS(c echo.Context) error {
	css := ""
	if h.Apps != nil {
		for _, a := range h.Apps.All() {
			// Ids are slugs and colours #rrggbb (checked at load): nothing
			// here can break out of the rule.
			// The band's text takes whichever ink reads at 4.5:1 on it.
			css += fmt.Sprintf(".app-band[data-app=%q],.app-dot[data-app=%q]{background:%s}\n.app-band[data-app=%q]{color:%s}\n",
				a.ID, a.ID, a.BandColor(), a.ID, components.InkOn(a.BandColor()))
		}
	}
	c.Response().Header().Set("Cache-Control", "private, max-age=300")
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(css))
}

// appID is the id of the request's app ("" without a registry).
func (h *Handlers) appID(c echo.Context) string {
	if a := h.appOf(c); a != nil {
		return a.ID
	}
	return ""
}
