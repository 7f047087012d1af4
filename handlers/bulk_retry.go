package handlers

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// BulkRetry is POST /bulk/{id}/retry (operators): an ended job's failed
// rooms start again as a new job, linked to the first and audited. A job
// already retried sends the browser to that retry instead of a second one.
func (h *Handlers) BulkRetry(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	job, err := h.bulk(c).RetryFailed(c.Request().Context(), actorFrom(c), id)
	var retried *bulk.RetriedError
	switch {
	case err == nil:
		return redirect(c, components.AppBase(c.Request().Context())+bulkview.JobPath(job.ID))
	case errors.As(err, &retried):
		return redirect(c, components.AppBase(c.Request().Context())+bulkview.JobPath(retried.Job))
	case errors.Is(err, bulk.ErrNotFound):
		return echo.ErrNotFound
	case errors.Is(err, bulk.ErrNotEnded), errors.Is(err, bulk.ErrNothingFailed):
		return redirect(c, components.AppBase(c.Request().Context())+bulkview.JobPath(id)) // the page shows why there is no retry
	}
	return err
}
