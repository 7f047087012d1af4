package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// searchCatalogue answers GET /rooms from the catalogue when the app's
// catalogue holds its list (a full sweep has finished) or the request
// searches, filters or sorts; it reports false to leave the page to
// Tencent's own list (no catalogue yet, nothing asked of it).
func (h *Handlers) searchCatalogue(c echo.Context, p *roomsview.ListProps) (status int, ok bool, err error) {
	a := h.appOf(c)
	if h.Catalogue == nil || a == nil {
		return 0, false, nil
	}
	ctx := c.Request().Context()
	qv := c.QueryParams()
	q, bad := catalogue.ParseQuery(a.ID, qv)
	st, err := h.Catalogue.Status(ctx, a.ID)
	if err != nil {
		return 0, false, err
	}
	asked := q.Filtered() || len(bad) > 0 || qv.Has("sort")
	p.Search = searchView(q, qv, bad, st, h.Now())
	if !st.Swept() && !asked {
		return 0, false, nil
	}
	p.Search.Active = true
	status = http.StatusOK
	if len(bad) > 0 {
		status = http.StatusUnprocessableEntity
	}
	p.Query = q.Values()
	page, err := h.Catalogue.Search(ctx, q)
	if errors.Is(err, catalogue.ErrBadCursor) {
		p.Cursor, p.Back, q.After = "", nil, ""
		p.Error = i18n.T(ctx, "catalogue.BadCursor")
		return http.StatusBadRequest, true, nil
	}
	if err != nil {
		return 0, false, err
	}
	p.Rooms, p.Next = catalogueRoomViews(page.Rooms), page.Next
	return status, true, nil
}
