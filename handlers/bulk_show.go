package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/views/bulkview"
)

// itemsShown bounds the per-room table; the results CSV has every room.
const itemsShown = 100

// BulkShow is GET /bulk/{id} (operators): the job's progress and results.
func (h *Handlers) BulkShow(c echo.Context) error {
	pp, err := h.bulkProgress(c)
	if err != nil {
		return err
	}
	title := trf(c, "bulk.JobTitle", map[string]any{"ID": pp.Job.ID})
	return render(c, http.StatusOK, bulkview.JobPage(bulkview.JobProps{Layout: h.page(c, title, "bulk"), Progress: pp}))
}

// BulkProgress is GET /bulk/{id}/progress: the fragment the page polls
// every second while the job runs.
func (h *Handlers) BulkProgress(c echo.Context) error {
	pp, err := h.bulkProgress(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, bulkview.Progress(pp))
}

func (h *Handlers) bulkProgress(c echo.Context) (bulkview.ProgressProps, error) {
	id, err := jobID(c)
	if err != nil {
		return bulkview.ProgressProps{}, err
	}
	ctx := c.Request().Context()
	p, err := h.bulk(c).Progress(ctx, id)
	if errors.Is(err, bulk.ErrNotFound) {
		return bulkview.ProgressProps{}, echo.ErrNotFound
	}
	if err != nil {
		return bulkview.ProgressProps{}, err
	}
	items, err := h.bulk(c).Items(ctx, id, itemsShown)
	if err != nil {
		return bulkview.ProgressProps{}, err
	}
	job, rows := progressView(c.Request().Context(), p, items)
	return bulkview.ProgressProps{Job: job, Items: rows, CanCancel: true, CSRF: csrfToken(c), Revert: h.jobRevert(c, job)}, nil
}

func jobID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}
