package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// BulkPreview is POST /bulk/preview (operators): how many rooms, what
// changes, how long at the pace, or every problem (bad CSV lines by line
// number) that stops the job from starting. Problems are the preview's
// content, so they come with 200.
func (h *Handlers) BulkPreview(c echo.Context) error {
	in, err := bulkInput(c)
	if err != nil {
		return err
	}
	_, pv := h.bulkPreview(c, in)
	return h.renderPreview(c, http.StatusOK, in, pv)
}
