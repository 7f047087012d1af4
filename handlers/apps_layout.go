package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/apps"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/layout"
)

// appLayout puts the apps into the frame: the switcher's links, and on an
// app's pages its name, colour and SDKAppID, and its name in the title.
func (h *Handlers) appLayout(c echo.Context, p *layout.Props) {
	if h.Apps == nil {
		return
	}
	cur, _ := c.Get(ctxApp).(*apps.App)
	p.AppCount = len(h.Apps.All())
	// The switcher leaves out apps kept from the user (per-app role none).
	var hidden map[string]auth.Role
	if u, ok := currentUser(c); ok && u.Role != auth.RoleAdmin && h.Auth != nil {
		hidden, _ = h.Auth.AppRoles(c.Request().Context(), u.ID) // on error: list every app; routes still check
	}
	for _, a := range h.Apps.All() {
		if hidden[a.ID] == auth.RoleNone {
			continue
		}
		p.Apps = append(p.Apps, layout.AppLink{ID: a.ID, Name: a.Name, URL: components.AppPath(a.ID) + "/rooms",
			Current: a == cur, Production: a.Production})
	}
	if cur != nil {
		p.App = &layout.App{ID: cur.ID, Name: cur.Name, SDKAppID: cur.SDKAppID, Production: cur.Production}
		if p.Title != "" {
			p.Title += " · " + cur.Name
		} else {
			p.Title = cur.Name
		}
	}
}
