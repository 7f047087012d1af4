package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/bulkview"
)

// appID is the request's app id ("" in handler tests without apps).
func appID(h *Handlers, c echo.Context) string {
	if a := h.appOf(c); a != nil {
		return a.ID
	}
	return ""
}

// requireTemplates answers 404 when the console keeps no templates.
func (h *Handlers) requireTemplates(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.Templates == nil {
			return echo.ErrNotFound
		}
		return next(c)
	}
}

// templateViews are the app's templates for the bulk page; each may be
// removed by its creator or an admin.
func (h *Handlers) templateViews(c echo.Context) (bulkview.Templates, error) {
	if h.Templates == nil {
		return bulkview.Templates{}, nil
	}
	ctx := c.Request().Context()
	list, err := h.Templates.List(ctx, appID(h, c))
	if err != nil {
		return bulkview.Templates{}, err
	}
	me := actorFrom(c)
	out := bulkview.Templates{Enabled: true}
	for _, t := range list {
		out.List = append(out.List, bulkview.Template{ID: t.ID, Name: t.Name, Change: settings(ctx, t.Fields),
			CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt,
			CanDelete: t.CreatedBy == me.Name || strings.EqualFold(me.Role, string(auth.RoleAdmin))})
	}
	return out, nil
}
