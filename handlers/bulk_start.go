package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// BulkStart is POST /bulk (operators): it re-reads and re-checks the whole
// form and starts the job only if it is exactly what the preview showed
// (the digest), then sends the browser to the job's progress page.
func (h *Handlers) BulkStart(c echo.Context) error {
	in, err := bulkInput(c)
	if err != nil {
		return err
	}
	plan, pv := h.bulkPreview(c, in)
	if pv.Problems.Any() {
		return h.renderPreview(c, http.StatusUnprocessableEntity, in, pv)
	}
	if c.FormValue("digest") != pv.Digest {
		pv.Notice = tr(c, "bulk.FormChanged")
		return h.renderPreview(c, http.StatusConflict, in, pv)
	}
	if done, err := h.scheduleBulk(c, in, plan, pv); done {
		return err // a time to start at: a scheduled change instead of a job
	}
	if pv.NeedsApproval { // the job waits for a second person
		return h.requestJob(c, in, plan, pv)
	}
	job, err := h.bulk(c).Create(c.Request().Context(), actorFrom(c), plan)
	if err != nil {
		return err
	}
	return redirect(c, components.AppBase(c.Request().Context())+bulkview.JobPath(job.ID))
}
