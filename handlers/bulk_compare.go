package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/views/bulkview"
)

// compareRooms is how many rooms the preview lays beside the catalogue.
const compareRooms = 20

// bulkCompare lays the plan's first rooms' new values beside the
// catalogue's copy of them. It never asks Tencent: a preview is free, and
// the job re-reads each room before sending anyway. Without a catalogue
// (or when it fails) every room reads "not in catalogue".
func (h *Handlers) bulkCompare(c echo.Context, plan bulk.Plan, pv *bulkview.PreviewProps) {
	ctx := c.Request().Context()
	rows := plan.Rows[:min(len(plan.Rows), compareRooms)]
	known := map[string]bulk.Known{}
	if a := h.appOf(c); h.Catalogue != nil && a != nil && len(rows) > 0 {
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.RoomID
		}
		found, err := h.Catalogue.GetMany(ctx, a.ID, ids)
		if err != nil {
			h.Logger.Warn("bulk preview: the catalogue could not be read", "err", err)
		}
		for id, r := range found {
			k := bulk.Known{Room: r.RoomInfo, SeenAt: r.SeenAt}
			if r.Detailed {
				k.DetailAt = r.DetailAt
			}
			known[id] = k
		}
	}
	now := h.Now()
	for _, r := range bulk.Compare(rows, known) {
		rv := bulkview.RoomNow{RoomID: r.RoomID, Catalogue: r.Catalogue}
		for _, f := range r.Fields {
			rv.Fields = append(rv.Fields, bulkview.FieldNow{
				Setting: bulkview.Setting{Field: f.Field, Label: fieldLabel(ctx, f.Field), Values: f.New},
				Current: f.Current, Known: f.Known(), AsOf: f.AsOf, Age: max(now.Sub(f.AsOf), 0), Same: f.Same})
		}
		pv.Compare = append(pv.Compare, rv)
	}
	pv.CompareMore = len(plan.Rows) - len(rows)
}
