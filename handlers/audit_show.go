package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/views/auditview"
)

// AuditShow is GET /audit/:id, one record in full. The id is any row's seq:
// a result row's seq shows the record it belongs to, so a seq printed by
// `roomdesk audit verify` can be pasted straight into the address bar.
func (h *Handlers) AuditShow(c echo.Context) error {
	seq, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || seq <= 0 {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	rec, err := h.Audit.Get(c.Request().Context(), seq)
	if errors.Is(err, audit.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	p := auditview.ShowProps{
		Layout: h.page(c, trf(c, "audit.PageTitle", map[string]any{"Seq": rec.Entry.Seq}), "audit"),
		Record: rec,
		Chain:  h.chainStatus(c),
		Links:  h.entryLinks(c, rec),
	}
	if p.Request, err = h.entryRequest(c.Request().Context(), rec.Entry.Seq); err != nil {
		return err
	}
	if r := rec.Result; r != nil && (r.ErrorCode != 0 || r.ActionStatus != "") {
		p.CodeMeaning = meaningText(c.Request().Context(), r.ErrorCode)
	}
	return render(c, http.StatusOK, auditview.Show(p))
}
