package handlers

import (
	"errors"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
)

// BulkResultsCSV is GET /bulk/{id}/results.csv: every room of the job with
// its outcome and RequestId, streamed; formula cells are neutralised.
func (h *Handlers) BulkResultsCSV(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.bulk(c).Job(ctx, id); errors.Is(err, bulk.ErrNotFound) {
		return echo.ErrNotFound
	} else if err != nil {
		return err
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="roomdesk-bulk-%d.csv"`, id))
	w.WriteHeader(200)
	if err := h.bulk(c).WriteResultsCSV(ctx, id, w); err != nil {
		h.Logger.Error("bulk: results export broke off", "job", id, "err", err)
	}
	return nil
}
