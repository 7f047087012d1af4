package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// BulkCancel is POST /bulk/{id}/cancel (operators): no new rooms are sent;
// those in flight finish. Cancelling a job that already ended changes
// nothing and just shows it.
func (h *Handlers) BulkCancel(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	err = h.bulk(c).Cancel(c.Request().Context(), id, actorFrom(c))
	switch {
	case errors.Is(err, bulk.ErrNotFound):
		return echo.ErrNotFound
	case errors.Is(err, bulk.ErrForbidden):
		return echo.NewHTTPError(http.StatusForbidden, "Only the job's creator or an admin may cancel it.")
	case err != nil && !errors.Is(err, bulk.ErrFinished):
		return err
	}
	if !isHTMX(c) {
		return redirect(c, components.AppBase(c.Request().Context())+bulkview.JobPath(id))
	}
	pp, err := h.bulkProgress(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, bulkview.Progress(pp))
}
