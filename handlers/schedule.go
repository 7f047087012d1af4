package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/schedule"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/roomsview"
	"github.com/roomdesk/roomdesk/views/scheduleview"
)

// ScheduleList is GET /schedule: the app's scheduled changes by state
// (viewers may look; cancelling needs operator).
func (h *Handlers) ScheduleList(c echo.Context) error {
	return h.scheduleList(c, http.StatusOK, "", false)
}

func (h *Handlers) scheduleList(c echo.Context, status int, flash string, ok bool) error {
	svc := h.schedules(c)
	if svc == nil {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	list, err := svc.List(ctx, 200)
	if err != nil {
		return err
	}
	role, _ := c.Get(ctxAppRole).(auth.Role)
	if u, signed := currentUser(c); signed && role == "" {
		role = u.Role
	}
	_, zone := h.zone(c)
	p := scheduleview.ListProps{Layout: h.page(c, i18n.T(ctx, "schedule.Title"), "schedule"), Zone: zone,
		CanCancel: role.Allows(auth.RoleOperator), Flash: flash, FlashOK: ok, Groups: scheduleGroups(ctx, list),
		URL: scheduleURL(components.AppBase(ctx))}
	p.Live = len(p.Groups[0].Rows) > 0
	return render(c, status, scheduleview.ListPage(p))
}

// ScheduleCancel is POST /schedule/:sid/cancel (operators of the app).
func (h *Handlers) ScheduleCancel(c echo.Context) error {
	svc := h.schedules(c)
	id, err := strconv.ParseInt(strings.TrimPrefix(c.Param("sid"), "S-"), 10, 64)
	if svc == nil || err != nil || id <= 0 {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	err = svc.Cancel(ctx, actorFrom(c), id)
	switch {
	case err == nil:
		return h.scheduleList(c, http.StatusOK, i18n.Tf(ctx, "schedule.Cancelled", map[string]any{"Key": schedule.Key(id)}), true)
	case errors.Is(err, schedule.ErrNotFound):
		return echo.ErrNotFound
	case errors.Is(err, schedule.ErrFinished):
		return h.scheduleList(c, http.StatusConflict, i18n.T(ctx, "schedule.AlreadyFinished"), false)
	}
	return err
}

// scheduleInstead schedules a room edit whose form asks for it (a time to
// apply at, or the schedule button) instead of sending it; done is false
// when the edit is for now.
func (h *Handlers) scheduleInstead(c echo.Context, id string, form url.Values, submitted, original rooms.Form) (done bool, err error) {
	svc := h.schedules(c)
	if svc == nil || (form.Get("schedule") == "" && strings.TrimSpace(form.Get("apply_at")) == "") {
		return false, nil
	}
	ctx := c.Request().Context()
	loc, zone := h.zone(c)
	sf := roomsview.ScheduleFields{ApplyAt: form.Get("apply_at"), RevertAt: form.Get("revert_at"), Zone: zone,
		Anyway: form.Get("on_conflict") == schedule.OnConflictApply, Errors: map[string]string{}, Open: true}
	p := roomsview.EditProps{RoomID: id, CanEdit: true, CSRF: csrfToken(c), Fields: editFields(ctx, submitted, original, nil)}
	applyAt, aerr := schedule.ParseLocal(sf.ApplyAt, loc)
	revertAt, rerr := schedule.ParseLocal(sf.RevertAt, loc)
	if aerr != nil {
		sf.Errors["apply_at"] = scheduleTimeError(ctx, aerr, sf.ApplyAt, zone)
	}
	if rerr != nil {
		sf.Errors["revert_at"] = scheduleTimeError(ctx, rerr, sf.RevertAt, zone)
	}
	pol, err := h.policy(c)
	if err != nil {
		return true, err
	}
	if changed, _ := rooms.Changed(submitted, original); len(pol.Guarded(changed)) > 0 {
		sf.Errors["schedule"] = i18n.T(ctx, "schedule.ErrGuarded")
	}
	if len(sf.Errors) > 0 {
		p.Schedule = sf
		return true, h.renderEdit(c, http.StatusUnprocessableEntity, p, nil)
	}
	onConflict := schedule.OnConflictSkip
	if sf.Anyway {
		onConflict = schedule.OnConflictApply
	}
	sc, err := svc.Create(ctx, actorFrom(c), schedule.Request{Rooms: []string{id}, Submitted: submitted, Original: original,
		ApplyAt: applyAt, RevertAt: revertAt, OnConflict: onConflict, Zone: zone})
	var ie *schedule.InputError
	switch {
	case errors.As(err, &ie):
		fieldErrs := rooms.Problems{}
		for k, msg := range ie.Fields {
			if id, ok := scheduleErrIDs[k+"/"+ie.Codes[k]]; ok {
				msg = i18n.T(ctx, id)
			}
			switch k {
			case "apply_at", "revert_at":
				sf.Errors[k] = msg
			case "fields", "rooms", "on_conflict":
				sf.Errors["schedule"] = msg
			default:
				fieldErrs[k] = rooms.Problem{Text: msg}
			}
		}
		p.Schedule, p.Fields = sf, editFields(ctx, submitted, original, fieldErrs)
		return true, h.renderEdit(c, http.StatusUnprocessableEntity, p, nil)
	case err != nil:
		return true, err
	}
	// Nothing was sent: the form goes back to the room as it was.
	p.Scheduled, p.Fields = scheduledView(ctx, sc), editFields(ctx, original, original, nil)
	p.Schedule = roomsview.ScheduleFields{Zone: zone}
	return true, h.renderEdit(c, http.StatusOK, p, nil)
}

// scheduleErrIDs translate the schedule package's input problems.
var scheduleErrIDs = map[string]string{
	"apply_at/missing": "schedule.ErrApplyMissing",
	"apply_at/past":    "schedule.ErrApplyPast",
	"revert_at/order":  "schedule.ErrRevertOrder",
	"fields/nothing":   "schedule.ErrNothing",
}

// scheduleURL is the schedule page of the app at base.
func scheduleURL(base string) string { return base + "/schedule" }
