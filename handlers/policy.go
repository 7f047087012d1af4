package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/approvalview"
)

// PolicyShow is GET /admin/policy?app=…: which changes of an app need a
// second person (the default app when none is named).
func (h *Handlers) PolicyShow(c echo.Context) error {
	app, ok := h.policyApp(c.QueryParam("app"))
	if !ok {
		return echo.ErrNotFound
	}
	pol, err := h.Approvals.Policy(c.Request().Context(), app)
	if err != nil {
		return err
	}
	return h.policyPage(c, http.StatusOK, pol, approvalview.Flash{}, nil)
}

// PolicySave is POST /admin/policy: store an app's policy (audited as
// settings.policy, before → after).
func (h *Handlers) PolicySave(c echo.Context) error {
	app, ok := h.policyApp(c.FormValue("app"))
	if !ok {
		return echo.ErrNotFound
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.ErrBadRequest
	}
	ctx := c.Request().Context()
	pol := approval.Policy{App: app, Fields: form["field"]}
	errs := map[string]string{}
	if pol.BulkAbove, err = strconv.Atoi(strings.TrimSpace(form.Get("bulk_above"))); err != nil || pol.BulkAbove < 0 || pol.BulkAbove > 1_000_000 {
		errs["bulk_above"] = i18n.T(ctx, "approval.PolicyBadBulk")
	}
	hours, err := strconv.Atoi(strings.TrimSpace(form.Get("expiry_hours")))
	if err != nil || hours < 1 || hours > int(approval.MaxExpiry/time.Hour) {
		errs["expiry_hours"] = i18n.T(ctx, "approval.PolicyBadExpiry")
	}
	pol.Expiry = time.Duration(hours) * time.Hour
	if len(errs) > 0 {
		return h.policyPage(c, http.StatusUnprocessableEntity, pol, approvalview.Flash{Text: i18n.T(ctx, "approval.PolicyNotSaved")}, errs)
	}
	saved, err := h.Approvals.SetPolicy(ctx, actorFrom(c), pol)
	var ie *approval.InputError
	if errors.As(err, &ie) {
		return h.policyPage(c, http.StatusUnprocessableEntity, pol, approvalview.Flash{Text: approvalMessage(ctx, ie)}, nil)
	}
	if err != nil {
		return err
	}
	return h.policyPage(c, http.StatusOK, saved, approvalview.Flash{OK: true, Text: i18n.T(ctx, "approval.PolicySaved")}, nil)
}

// policyApp is the app a policy page is about: id, or the default app.
func (h *Handlers) policyApp(id string) (string, bool) {
	if h.Apps == nil {
		return id, id == ""
	}
	if id == "" {
		return h.Apps.Default().ID, true
	}
	_, ok := h.Apps.Get(id)
	return id, ok
}

func (h *Handlers) policyPage(c echo.Context, status int, pol approval.Policy, flash approvalview.Flash, errs map[string]string) error {
	p := approvalview.PolicyProps{Layout: h.page(c, i18n.T(c.Request().Context(), "approval.PolicyTitle"), "policy"), App: pol.App, AppName: pol.App,
		BulkAbove: strconv.Itoa(pol.BulkAbove), ExpiryHours: strconv.Itoa(int(pol.ExpiryOrDefault() / time.Hour)),
		UpdatedBy: pol.UpdatedBy, Updated: pol.UpdatedAt, Flash: flash, Errors: errs}
	if h.Apps != nil {
		for _, a := range h.Apps.All() {
			p.Apps = append(p.Apps, approvalview.Choice{Value: a.ID, Label: a.Name})
			if a.ID == pol.App {
				p.AppName = a.Name
			}
		}
	}
	for _, f := range rooms.Fields {
		p.Fields = append(p.Fields, approvalview.PolicyField{Name: f, Label: fieldLabel(c.Request().Context(), f), Checked: pol.Guards(f)})
	}
	return render(c, status, approvalview.PolicyPage(p))
}
