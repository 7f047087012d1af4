package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/labels"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/labelsview"
)

// fieldLabels are the field table's labels, for pages that name fields.
var fieldLabels = func() map[string]string {
	m := make(map[string]string, len(rooms.Fields))
	for _, f := range rooms.Fields {
		m[f] = rooms.Label(f)
	}
	return m
}()

// withNames puts the field labels and the code names in the request's
// context, so the views name what they show. app is the page's app ("" on
// pages about none, which get every app's names with the default app's
// as the fallback for rows that name no app).
func (h *Handlers) withNames(c echo.Context, app string) error {
	n := components.Names{Fields: fieldLabels, Current: app}
	if h.Labels != nil {
		all, err := h.Labels.All(c.Request().Context())
		if err != nil {
			return err
		}
		n.Apps = make(map[string]components.CodeNames, len(all))
		for id, names := range all {
			n.Apps[id] = components.CodeNames{Category: names.Category, Activity: names.Activity}
		}
	}
	if app == "" && h.Apps != nil {
		n.Current = h.Apps.Default().ID
	}
	c.SetRequest(c.Request().WithContext(components.WithNames(c.Request().Context(), n)))
	return nil
}

// names is middleware giving a page about no app (the audit log) every
// app's names.
func (h *Handlers) names(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := h.withNames(c, ""); err != nil {
			return err
		}
		return next(c)
	}
}

// LabelsPage is GET /admin/labels: each app's names for its codes.
func (h *Handlers) LabelsPage(c echo.Context) error {
	return h.labelsPage(c, http.StatusOK, labelsview.Props{})
}

// LabelsSet is POST /admin/labels: name (or with a blank name, unname) one
// code of one app.
func (h *Handlers) LabelsSet(c echo.Context) error {
	app := c.FormValue("app")
	p := labelsview.Props{Form: labelsview.Form{App: app, Kind: c.FormValue("kind"), Code: c.FormValue("code"), Name: c.FormValue("name")}}
	ctx := c.Request().Context()
	if !h.knownApp(app) {
		p.Flash = labelsview.Flash{Text: i18n.Tf(ctx, "daily.NoSuchApp", map[string]any{"App": app})}
		return h.labelsPage(c, http.StatusUnprocessableEntity, p)
	}
	kind, err := labels.ParseKind(p.Form.Kind)
	var code int
	if err == nil {
		code, err = labels.ParseCode(p.Form.Code)
	}
	changed := false
	if err == nil {
		changed, err = h.Labels.Set(c.Request().Context(), actorFrom(c), app, kind, code, p.Form.Name)
	}
	var ve *labels.ValidationError
	switch {
	case errors.As(err, &ve):
		p.Flash = labelsview.Flash{Text: i18n.T(ctx, "daily.NothingChanged") + " " + i18n.Tf(ctx, "daily."+ve.ID, ve.Data)}
		return h.labelsPage(c, http.StatusUnprocessableEntity, p)
	case errors.Is(err, labels.ErrForbidden):
		return echo.ErrForbidden
	case err != nil:
		return err
	}
	p = labelsview.Props{Flash: labelsview.Flash{OK: true, Text: labelsview.Saved(ctx, string(kind), code, strings.TrimSpace(p.Form.Name), changed)}}
	p.Form.App = app
	return h.labelsPage(c, http.StatusOK, p)
}

func (h *Handlers) knownApp(app string) bool {
	if h.Apps == nil {
		return app == ""
	}
	_, ok := h.Apps.Get(app)
	return ok
}

func (h *Handlers) labelsPage(c echo.Context, status int, p labelsview.Props) error {
	all, err := h.Labels.All(c.Request().Context())
	if err != nil {
		return err
	}
	ids := []struct{ id, name string }{{"", "roomdesk"}}
	if h.Apps != nil {
		ids = ids[:0]
		for _, a := range h.Apps.All() {
			ids = append(ids, struct{ id, name string }{a.ID, a.Name})
		}
	}
	for _, a := range ids {
		app := labelsview.App{ID: a.id, Name: a.name}
		for _, k := range labels.Kinds {
			for _, code := range all[a.id].Codes(k) {
				app.Rows = append(app.Rows, labelsview.Row{Kind: string(k), Code: code, Name: all[a.id].Of(k)[code]})
			}
		}
		p.Apps = append(p.Apps, app)
	}
	if p.Form.App == "" && len(ids) > 0 {
		p.Form.App = ids[0].id
	}
	p.Layout = h.page(c, i18n.T(c.Request().Context(), "daily.LabelsTitle"), "labels")
	return render(c, status, labelsview.Page(p))
}
