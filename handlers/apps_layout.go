package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/apps"
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
	for _, a := range h.Apps.All() {
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
