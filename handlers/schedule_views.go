package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/localtime"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/schedule"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/roomsview"
	"github.com/roomdesk/roomdesk/views/scheduleview"
)

// schedules is the scheduled-changes service of the request's app; nil
// when there is none (then the room form offers no "apply later").
func (h *Handlers) schedules(c echo.Context) *schedule.Service {
	if a := h.appOf(c); a != nil && a.Schedule != nil {
		return a.Schedule
	}
	return h.Schedule
}

// scheduleForm is the room form's "apply later" section, empty.
func (h *Handlers) scheduleForm(c echo.Context, p *roomsview.EditProps) {
	if h.schedules(c) == nil || p.Action != "" { // a revert form saves now
		return
	}
	p.Schedule.Enabled = true
	if p.Schedule.Zone == "" {
		_, p.Schedule.Zone = h.zone(c)
	}
}

func scheduledView(ctx context.Context, sc schedule.Schedule) *roomsview.Scheduled {
	v := &roomsview.Scheduled{Key: sc.Key(), URL: scheduleURL(components.AppBase(ctx)), ApplyAt: sc.ApplyAt, RevertAt: sc.RevertAt}
	var exp rooms.Form
	if len(sc.Steps) > 0 {
		exp = sc.Steps[0].Expected
	}
	for _, f := range rooms.Fields {
		if sc.Fields.Has(f) {
			v.Changes = append(v.Changes, roomsview.Change{Field: f, Label: fieldLabel(ctx, f),
				Before: rooms.DisplayValues(f, exp[f]), After: rooms.DisplayValues(f, sc.Fields[f])})
		}
	}
	return v
}

// maxStepsShown bounds the steps a change lists (a bulk change has two
// per room).
const maxStepsShown = 20

// scheduleGroups sorts the changes into the page's sections.
func scheduleGroups(ctx context.Context, list []schedule.Schedule) []scheduleview.Group {
	groups := []scheduleview.Group{
		{ID: "upcoming", Title: i18n.T(ctx, "schedule.GroupUpcoming")},
		{ID: "attention", Title: i18n.T(ctx, "schedule.GroupAttention")},
		{ID: "done", Title: i18n.T(ctx, "schedule.GroupDone")},
		{ID: "cancelled", Title: i18n.T(ctx, "schedule.GroupCancelled")},
	}
	index := map[string]int{schedule.StepUpcoming: 0, schedule.StepRunning: 0, schedule.StepFailed: 1,
		schedule.StepFlagged: 1, schedule.StepDone: 2, schedule.StepCancelled: 3}
	base := components.AppBase(ctx)
	for _, sc := range list {
		st := sc.Status()
		g := &groups[index[st]]
		g.Rows = append(g.Rows, scheduleRow(ctx, base, sc, st))
	}
	return groups
}

func scheduleRow(ctx context.Context, base string, sc schedule.Schedule, status string) scheduleview.Row {
	r := scheduleview.Row{ID: sc.ID, Key: sc.Key(), CancelURL: base + "/schedule/" + strconv.FormatInt(sc.ID, 10) + "/cancel",
		ApplyAt: sc.ApplyAt, RevertAt: sc.RevertAt, Anyway: sc.OnConflict == schedule.OnConflictApply,
		Status: status, CreatedBy: sc.CreatedBy, Pending: sc.Pending()}
	ids := sc.Rooms()
	for i, id := range ids {
		if i == 5 {
			r.MoreRooms = len(ids) - 5
			break
		}
		r.Rooms = append(r.Rooms, scheduleview.Link{Text: id, URL: base + components.RoomURL(id)})
	}
	var parts []string
	for _, f := range rooms.Fields {
		if sc.Fields.Has(f) {
			parts = append(parts, fmt.Sprintf("%s → %s", fieldLabel(ctx, f), components.Shown(ctx, rooms.DisplayValues(f, sc.Fields[f]))))
		}
	}
	r.Changes = strings.Join(parts, "; ")
	for i, st := range sc.Steps {
		if i == maxStepsShown {
			r.MoreSteps = len(sc.Steps) - maxStepsShown
			break
		}
		v := scheduleview.Step{RoomID: st.RoomID, Kind: st.Kind, Status: st.Status, DueAt: st.DueAt,
			Message: st.Message, Flags: st.FlagText(), RequestID: st.RequestID}
		if st.IntentSeq != 0 {
			v.AuditURL = components.AuditEntryURL(st.IntentSeq)
		}
		r.Steps = append(r.Steps, v)
	}
	return r
}

// scheduleTimeError is the form's message for a time schedule.ParseLocal
// refused: one the zone's clocks skip names it and the zone; anything else
// shows the format.
func scheduleTimeError(ctx context.Context, err error, typed, zone string) string {
	if errors.Is(err, localtime.ErrSkipped) {
		return i18n.Tf(ctx, "schedule.ErrTimeSkipped", map[string]any{"Value": strings.TrimSpace(typed), "Zone": zone})
	}
	return i18n.T(ctx, "schedule.ErrTimeFormat")
}
