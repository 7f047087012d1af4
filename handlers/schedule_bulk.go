package handlers

import (
	"errors"
	"maps"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/schedule"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// scheduleBulk schedules a previewed bulk change for later instead of
// starting it, when the form asks (its schedule button); done is false
// otherwise. The rooms' values are read when each step runs.
func (h *Handlers) scheduleBulk(c echo.Context, in bulk.Input, plan bulk.Plan, pv bulkview.PreviewProps) (done bool, err error) {
	svc := h.schedules(c)
	if svc == nil || c.FormValue("schedule") == "" {
		return false, nil
	}
	ctx := c.Request().Context()
	loc, zone := h.zone(c)
	sf := bulkview.Schedule{Enabled: true, Zone: zone, ApplyAt: c.FormValue("apply_at"), RevertAt: c.FormValue("revert_at"),
		Anyway: c.FormValue("on_conflict") == schedule.OnConflictApply}
	applyAt, aerr := schedule.ParseLocal(sf.ApplyAt, loc)
	revertAt, rerr := schedule.ParseLocal(sf.RevertAt, loc)
	pol, err := h.policy(c)
	if err != nil {
		return true, err
	}
	ids := make([]string, 0, len(plan.Rows))
	same := true
	for _, r := range plan.Rows {
		ids = append(ids, r.RoomID)
		same = same && maps.EqualFunc(r.Fields, plan.Common, slices.Equal)
	}
	switch {
	case aerr != nil:
		sf.Error = scheduleTimeError(ctx, aerr, sf.ApplyAt, zone)
	case rerr != nil:
		sf.Error = scheduleTimeError(ctx, rerr, sf.RevertAt, zone)
	case !same:
		sf.Error = i18n.T(ctx, "schedule.ErrBulkPerRoom")
	case len(pol.Guarded(slices.Collect(maps.Keys(plan.Common)))) > 0 || pol.BulkNeedsApproval(len(ids)):
		sf.Error = i18n.T(ctx, "schedule.ErrGuarded")
	default:
		onConflict := schedule.OnConflictSkip
		if sf.Anyway {
			onConflict = schedule.OnConflictApply
		}
		_, err := svc.Create(ctx, actorFrom(c), schedule.Request{Rooms: ids, Submitted: plan.Common,
			ApplyAt: applyAt, RevertAt: revertAt, OnConflict: onConflict, Zone: zone})
		var ie *schedule.InputError
		if !errors.As(err, &ie) {
			if err != nil {
				return true, err
			}
			return true, redirect(c, scheduleURL(components.AppBase(ctx)))
		}
		for _, k := range []string{"apply_at", "revert_at", "fields", "rooms"} {
			if msg, ok := ie.Fields[k]; ok {
				if id, ok := scheduleErrIDs[k+"/"+ie.Codes[k]]; ok {
					msg = i18n.T(ctx, id)
				}
				sf.Error = msg
				break
			}
		}
	}
	pv.Schedule = sf
	return true, h.renderPreview(c, http.StatusUnprocessableEntity, in, pv)
}
