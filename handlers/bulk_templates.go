package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/changeset"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// Bulk templates (issue 13): saved change sets. Saving and applying submit
// the whole bulk form, so the page comes back with the rooms as they were;
// an htmx request gets the whole page too, swapped in for #bulk-page.

// BulkTemplateSave is POST /bulk/templates (operators): the form's changes
// (what its preview would apply to every room) saved under template_name.
func (h *Handlers) BulkTemplateSave(c echo.Context) error {
	in, err := bulkInput(c)
	if err != nil {
		return err
	}
	plan, _ := bulk.Parse(bulk.Input{Change: in.Change, Values: in.Values})
	name := c.FormValue("template_name")
	t, err := h.Templates.Save(c.Request().Context(), actorFrom(c), appID(h, c), name, plan.Common)
	status := http.StatusOK
	p, perr := h.bulkPage(c, in)
	if perr != nil {
		return perr
	}
	var ve *changeset.ValidationError
	switch {
	case errors.As(err, &ve):
		status, p.Templates.Name = http.StatusUnprocessableEntity, name
		p.Templates.Error = i18n.Tf(c.Request().Context(), "bulk."+ve.ID, ve.Data)
		for _, f := range rooms.Fields {
			if fp, bad := ve.Fields[f]; bad {
				p.Templates.Fields = append(p.Templates.Fields, bulkview.FieldProblem{Field: f, Label: fieldLabel(c.Request().Context(), f), Message: problemText(c.Request().Context(), fp)})
			}
		}
	case err != nil:
		return err
	default:
		p.Templates.Saved = t.Name
	}
	return renderBulkPage(c, status, p)
}

// BulkTemplateApply is POST /bulk/templates/apply (operators): the form
// with the template's changes in place of its own, the rooms kept.
func (h *Handlers) BulkTemplateApply(c echo.Context) error {
	in, err := bulkInput(c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("template"), 10, 64)
	t, err := h.Templates.Get(c.Request().Context(), appID(h, c), id)
	if errors.Is(err, changeset.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, tr(c, "bulk.TplGone"))
	}
	if err != nil {
		return err
	}
	in.Values, in.Change = t.Fields, nil
	for _, f := range rooms.Fields {
		if t.Fields.Has(f) {
			in.Change = append(in.Change, f)
		}
	}
	p, err := h.bulkPage(c, in)
	if err != nil {
		return err
	}
	p.Templates.Applied = t.Name
	return renderBulkPage(c, http.StatusOK, p)
}

// BulkTemplateDelete is POST /bulk/templates/:tid/delete (operators: their
// own; admins: any), then back to /bulk.
func (h *Handlers) BulkTemplateDelete(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("tid"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	_, err = h.Templates.Delete(c.Request().Context(), actorFrom(c), appID(h, c), id)
	switch {
	case errors.Is(err, changeset.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, tr(c, "bulk.TplGone"))
	case errors.Is(err, changeset.ErrForbidden):
		return echo.NewHTTPError(http.StatusForbidden, tr(c, "bulk.TplNotYours"))
	case err != nil:
		return err
	}
	return redirect(c, components.AppBase(c.Request().Context())+"/bulk")
}

// renderBulkPage answers with the whole page; htmx (which posted the bulk
// form to a button's formaction) swaps it in for the page's content.
func renderBulkPage(c echo.Context, status int, p bulkview.NewProps) error {
	if isHTMX(c) {
		hd := c.Response().Header()
		hd.Set("HX-Retarget", "#bulk-page")
		hd.Set("HX-Reselect", "#bulk-page")
		hd.Set("HX-Reswap", "outerHTML")
	}
	return render(c, status, bulkview.NewPage(p))
}
