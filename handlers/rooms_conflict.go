package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// conflictScan bounds how many of the room's accepted edits are read to
// find who set each conflicting field.
const conflictScan = 50

// attributeConflict names, for each field of a conflict, who made the other
// change and when, when the audit log knows: the newest accepted
// room.update of this room in this app that touched the field and left it
// at the value the room has now. A change made outside roomdesk (or one
// older than the scan) is left unnamed rather than pinned on the wrong
// person. Best effort: a failing read leaves the panel as it was.
func (h *Handlers) attributeConflict(c echo.Context, ce *rooms.ConflictError, v *roomsview.Conflict) {
	app, isDefault := "", true
	if a := h.appOf(c); a != nil {
		app, isDefault = a.ID, h.Apps == nil || a == h.Apps.Default()
	}
	page, err := h.Audit.List(c.Request().Context(), audit.Filter{RoomID: ce.RoomID, Action: audit.ActionRoomUpdate,
		Outcome: audit.OutcomeOK}, 0, conflictScan)
	if err != nil {
		h.Logger.Warn("conflict: audit read failed", "room", ce.RoomID, "err", err)
		return
	}
	for i := range v.Fields {
		f := &v.Fields[i]
		now := rooms.AuditValue(f.Field, ce.Room)
		for _, r := range page.Records {
			e := r.Entry
			if e.RoomID != ce.RoomID || !(e.App == app || e.App == "" && isDefault) {
				continue // the filter matches RoomIds by prefix
			}
			if ch, ok := changeOf(e, f.Field); ok {
				if ch.After == now {
					f.By, f.At, f.Seq = e.Actor, e.Time, e.Seq
				}
				break // the newest change to the field decides
			}
		}
	}
}

func changeOf(e audit.Entry, field string) (audit.Change, bool) {
	for _, c := range e.Changes {
		if c.Field == field {
			return c, true
		}
	}
	return audit.Change{}, false
}
