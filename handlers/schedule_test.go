package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/schedule"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// TestScheduleFromTheRoomForm: a time to apply at turns a save into a
// scheduled change (nothing sent); bad times are explained and store
// nothing; /schedule lists the change and an operator cancels it.
func TestScheduleFromTheRoomForm(t *testing.T) {
	env, c := newRoomsEnv(t)
	calls := env.Emulator.Calls(tencent.CmdUpdateRoomInfo)
	for name, tc := range map[string]struct {
		apply, revert, field, want string
		anyway                     bool // "apply anyway" ticked: the answer keeps it ticked
	}{
		"unreadable": {"next friday", "", "field-error-apply_at", "like 2026-11-26 20:00", true},
		"past":       {"2001-01-01T10:00", "", "field-error-apply_at", "has passed", false},
		"revert first": {schedule.FormatLocal(time.Now().Add(2*time.Hour), time.UTC),
			schedule.FormatLocal(time.Now().Add(time.Hour), time.UTC), "field-error-revert_at", "later than", false},
	} {
		t.Run(name, func(t *testing.T) {
			v := browserForm(t, c, seedRoom)
			v.Set("RoomName", "Later")
			v.Set("apply_at", tc.apply)
			v.Set("revert_at", tc.revert)
			if tc.anyway {
				v.Set("on_conflict", schedule.OnConflictApply)
			}
			r := post(c, seedRoom, v)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(testidText(t, r, tc.field), tc.want) {
				t.Fatalf("%s", r)
			}
			if got := doc(t, r).Find(`input[name="on_conflict"][checked]`).Length() == 1; got != tc.anyway {
				t.Errorf("apply-anyway ticked %v, want %v", got, tc.anyway)
			}
		})
	}
	v := browserForm(t, c, seedRoom)
	if _, ok := v["apply_at"]; !ok {
		t.Fatal("the room form has no apply-later section")
	}
	was := v.Get("RoomName")
	v.Set("RoomName", "Later")
	v.Set("apply_at", schedule.FormatLocal(time.Now().Add(time.Hour), time.UTC))
	r := post(c, seedRoom, v)
	key := testid(doc(t, r), "scheduled-panel").AttrOr("data-schedule", "")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(key, "S-") {
		t.Fatalf("%s", r)
	}
	// The panel shows the change from the value the room had.
	if ch := testid(doc(t, r), "scheduled-panel").Find(`[data-testid="change-row"][data-field="RoomName"]`); ch.Find(".before").Text() != was || ch.Find(".after").Text() != "Later" {
		t.Errorf("scheduled change: %q → %q, want %q → Later", ch.Find(".before").Text(), ch.Find(".after").Text(), was)
	}
	if got := env.Emulator.Calls(tencent.CmdUpdateRoomInfo); got != calls {
		t.Fatalf("scheduling sent %d updates", got-calls)
	}
	// Not asked to apply over a later change: it skips one (the default).
	if list, err := env.Apps.Default().Schedule.List(context.Background(), 10); err != nil || len(list) != 1 || list[0].OnConflict != schedule.OnConflictSkip {
		t.Fatalf("stored: %+v %v", list, err)
	}
	list := doc(t, c.Get("/schedule"))
	row := list.Find(`[data-testid="schedule-row"][data-schedule="` + key + `"]`)
	if row.AttrOr("data-status", "") != "upcoming" || row.Find(`[data-testid="schedule-cancel"]`).Length() != 1 {
		t.Fatalf("/schedule row: %q", row.Text())
	}
	if n := list.Find(`[data-testid="schedule-row"]`).Length(); n != 1 {
		t.Fatalf("%d changes listed; the refused ones must store nothing", n)
	}
	// The row names its room, what a later change does to it, and its step,
	// which has no audit entry before it runs.
	if got := row.Find(`[data-testid="schedule-rooms"] a`).Text(); got != seedRoom || !strings.Contains(row.Text(), "skipped and flagged") ||
		row.Find(`[data-testid="schedule-step"]`).Length() != 1 || row.Find(`[data-testid="step-audit-link"]`).Length() != 0 {
		t.Errorf("/schedule row: rooms %q, steps %d, audit links %d: %q", got, row.Find(`[data-testid="schedule-step"]`).Length(),
			row.Find(`[data-testid="step-audit-link"]`).Length(), row.Text())
	}
	// The list reloads itself while a change is upcoming, and only then.
	if _, live := testid(list, "schedule-list").Attr("hx-trigger"); !live {
		t.Error("the list with an upcoming change does not reload itself")
	}
	vera := env.Login(t, "vera")
	if testid(doc(t, vera.Get("/schedule")), "schedule-cancel").Length() != 0 {
		t.Error("a viewer is offered cancel")
	}
	// The role in the app is what counts: a global viewer who operates this
	// app may cancel here.
	u, err := env.Auth.ByUsername(t.Context(), "vera")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Auth.SetAppRole(t.Context(), audit.Actor{Name: "test", Role: "admin"}, u.ID, env.Apps.Default().ID, auth.RoleOperator); err != nil {
		t.Fatal(err)
	}
	if testid(doc(t, vera.Get("/schedule")), "schedule-cancel").Length() != 1 {
		t.Error("an operator of the app (a global viewer) is not offered cancel")
	}
	id := strings.TrimPrefix(key, "S-")
	if r := c.PostForm("/schedule/"+id+"/cancel", nil); r.StatusCode != http.StatusOK ||
		!strings.Contains(testidText(t, r, "schedule-flash"), key) {
		t.Fatalf("cancel: %s", r)
	} else if _, live := testid(doc(t, r), "schedule-list").Attr("hx-trigger"); live {
		t.Error("the list with nothing upcoming reloads itself")
	}
	if r := c.PostForm("/schedule/"+id+"/cancel", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("second cancel: %s", r)
	}
	// Each app schedules on its own: demo-sg's change is demo-sg's.
	sg, _ := env.Apps.Get("demo-sg")
	v = appForm(t, c, "/apps/demo-sg/rooms/"+seedRoom)
	v.Set("RoomName", "Later in SG")
	v.Set("apply_at", schedule.FormatLocal(time.Now().Add(time.Hour), time.UTC))
	if r := c.PostForm("/apps/demo-sg/rooms/"+seedRoom, v, apptest.HTMX...); r.StatusCode != http.StatusOK || testid(doc(t, r), "scheduled-panel").Length() != 1 {
		t.Fatalf("schedule in demo-sg: %s", r)
	}
	if list, err := sg.Schedule.List(context.Background(), 10); err != nil || len(list) != 1 || list[0].App != "demo-sg" {
		t.Errorf("demo-sg's schedule: %+v %v", list, err)
	}
	if list, _ := env.Apps.Default().Schedule.List(context.Background(), 10); len(list) != 1 {
		t.Errorf("the default app's schedule has %d changes, want its one", len(list))
	}
	for _, bad := range []string{"0", "S-0", "999999"} {
		if r := c.PostForm("/schedule/"+bad+"/cancel", nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("cancel of %s: %d", bad, r.StatusCode)
		}
	}
}

// TestScheduleABulkChange: the bulk preview offers "start later"; its
// button schedules the change for every room instead of starting a job;
// a bad time sends it back to the preview with the reason.
func TestScheduleABulkChange(t *testing.T) {
	env, op := newRoomsEnv(t)
	form := url.Values{"rooms": {"live_1003\nlive_1004"}, "change": {"Notice"}, "Notice": {"Campaign"}}
	d := doc(t, postMultipart(t, op, "/bulk/preview", form, ""))
	if testid(d, "bulk-schedule-submit").Length() != 1 {
		t.Fatal("the preview offers no schedule button")
	}
	form.Set("digest", testid(d, "bulk-start").AttrOr("value", ""))
	form.Set("schedule", "1")
	form.Set("apply_at", "soon")
	if r := postMultipart(t, op, "/bulk", form, ""); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(testidText(t, r, "bulk-schedule-error"), "YYYY-MM-DD HH:MM") {
		t.Fatalf("bad time: %s", r)
	}
	form.Set("apply_at", schedule.FormatLocal(time.Now().Add(time.Hour), time.UTC))
	form.Set("revert_at", schedule.FormatLocal(time.Now().Add(2*time.Hour), time.UTC))
	r := postMultipart(t, op, "/bulk", form, "")
	if r.StatusCode != http.StatusNoContent || r.Header.Get("HX-Redirect") != "/schedule" {
		t.Fatalf("schedule: %s", r)
	}
	list, err := env.Apps.Default().Schedule.List(context.Background(), 10)
	if err != nil || len(list) != 1 || len(list[0].Steps) != 4 || strings.Join(list[0].Rooms(), ",") != "live_1003,live_1004" ||
		list[0].OnConflict != schedule.OnConflictSkip {
		t.Fatalf("scheduled: %+v %v", list, err)
	}
	if jobs, _ := env.Bulk.Recent(context.Background(), 10); len(jobs) != 0 {
		t.Fatalf("a job started as well: %+v", jobs)
	}
}
