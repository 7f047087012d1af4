package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/localtime"
	"github.com/roomdesk/roomdesk/views/auditview"
)

// appChoices are the configured apps for the audit log's app filter.
func (h *Handlers) appChoices() []auditview.AppChoice {
	if h.Apps == nil {
		return nil
	}
	var out []auditview.AppChoice
	for _, a := range h.Apps.All() {
		out = append(out, auditview.AppChoice{ID: a.ID, Name: a.Name})
	}
	return out
}

// chainStatus is the log's anchoring for the audit pages, nil when no
// checkpointer is configured.
func (h *Handlers) chainStatus(c echo.Context) *audit.Status {
	if h.Anchor == nil {
		return nil
	}
	st := h.Anchor.Status(c.Request().Context())
	return &st
}

// AuditList is GET /audit: the log, newest first, filtered by the query
// string and paged by keyset (?before=<seq>). htmx requests get only the
// results region (plus the filter's error messages, out of band); anything
// else gets the full page. Both come from the query string alone, so every
// view is a link that can be shared or bookmarked.
func (h *Handlers) AuditList(c echo.Context) error {
	q := c.QueryParams()
	ctx := c.Request().Context()
	f, errs := audit.ParseFilter(q)
	errs = auditFilterErrors(ctx, q, errs)
	before, err := parseCursor(q.Get("before"))
	if err != nil {
		errs["before"] = tr(c, "audit.ErrCursor")
	}
	p := auditview.ListProps{
		Values: auditview.FilterValues(q, localtime.From(ctx)),
		Errors: errs,
		Query:  audit.CleanQuery(q),
		Before: before,
		OOB:    isHTMX(c),
		Apps:   h.appChoices(),
	}
	status := http.StatusOK
	if len(errs) > 0 {
		// 422 like every other validation error; htmx swaps it (layout config).
		status = http.StatusUnprocessableEntity
	} else {
		page, err := h.Audit.List(c.Request().Context(), f, before, auditPageSize)
		if err != nil {
			return err
		}
		p.Records, p.Next, p.Codes = page.Records, page.NextCursor, codeMeanings(ctx, page.Records)
	}
	c.Response().Header().Add("Vary", "HX-Request")
	if isHTMX(c) {
		// Push the canonical URL rather than the form's, which would carry
		// every empty field into the address bar and the shared link.
		c.Response().Header().Set("HX-Push-Url", auditview.PageURL(p.Query, before))
		return render(c, status, auditview.Results(p))
	}
	p.Layout = h.page(c, tr(c, "audit.Title"), "audit")
	p.Chain = h.chainStatus(c)
	return render(c, status, auditview.List(p))
}
