package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/schedule"
)

// scheduleWait is how long a test waits for a scheduled step to show as
// run: a hang guard well past the 5 s steps, not a measurement.
var scheduleWait = playwright.LocatorAssertionsToHaveAttributeOptions{Timeout: playwright.Float(45000)}

// scheduleChange fills the room form's "apply later" section (times in the
// zone the form names, UTC here) and submits it; it returns the change's key.
func (p *page) scheduleChange(applyAt, revertAt time.Time) string {
	p.t.Helper()
	p.must(p.byTestID("schedule-section").Locator("summary").Click())
	p.must(p.expect(p.byTestID("schedule-zone")).ToContainText("UTC"))
	p.must(p.Locator("#apply_at").Fill(schedule.FormatLocal(applyAt, time.UTC)))
	if !revertAt.IsZero() {
		p.must(p.Locator("#revert_at").Fill(schedule.FormatLocal(revertAt, time.UTC)))
	}
	_, err := p.ExpectResponse(func(r playwright.Response) bool { return r.Request().Method() == "POST" },
		func() error { return p.byTestID("schedule-submit").Click() })
	p.must(err)
	panel := p.byTestID("scheduled-panel")
	p.must(p.expect(panel).ToBeVisible())
	key, err := panel.GetAttribute("data-schedule")
	p.must(err)
	return key
}

// Scenario (issue 14): an operator schedules a new room name 5 s ahead
// with a revert 5 s later, from the room form; /schedule shows it upcoming,
// then each step done as it runs; the room ends as it began, after exactly
// two updates, each a room.update naming the schedule with its RequestId.
func TestScheduleChangeAndRevertApplyAtTheirTimes(t *testing.T) {
	const id = "live_1050"
	restoreRoom(t, id)
	before := room(t, id).RoomName
	updates := env.Emulator.UpdateCount(id)
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.openRoom(id)
	p.must(p.Locator("#RoomName").Fill("Campaign 20:00"))
	now := time.Now().Truncate(time.Second)
	key := p.scheduleChange(now.Add(5*time.Second), now.Add(10*time.Second))
	p.must(p.expect(p.byTestID("scheduled-panel").Locator(`[data-testid=change-row][data-field=RoomName]`)).ToHaveCount(1))
	if got := room(t, id).RoomName; got != before || env.Emulator.UpdateCount(id) != updates {
		t.Fatalf("scheduling changed the room at once: %q", got)
	}

	p.must(p.byTestID("scheduled-link").Click())
	row := p.Locator(`[data-testid=schedule-row][data-schedule="` + key + `"]`)
	p.must(p.expect(row).ToHaveAttribute("data-status", "upcoming"))
	p.must(p.expect(row.Locator(`[data-testid=schedule-step][data-kind=apply]`)).ToHaveAttribute("data-status", "done", scheduleWait))
	p.must(p.expect(row.Locator(`[data-testid=schedule-step][data-kind=revert]`)).ToHaveAttribute("data-status", "done", scheduleWait))
	p.must(p.expect(row).ToHaveAttribute("data-status", "done"))
	p.must(p.expect(row.GetByTestId("step-request-id")).ToHaveCount(2))

	if got := room(t, id).RoomName; got != before {
		t.Errorf("after the revert RoomName = %q, want %q", got, before)
	}
	if got := env.Emulator.UpdateCount(id) - updates; got != 2 {
		t.Errorf("%d updates, want 2 (apply, revert)", got)
	}
	// Both runs are room.update entries naming the schedule, the apply
	// setting the new name and the revert the old one.
	page, err := env.Audit.List(context.Background(), audit.Filter{RoomID: id, Action: audit.ActionRoomUpdate}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var runs []string
	for _, r := range page.Records {
		if strings.HasPrefix(r.Entry.Detail, "schedule "+key) && r.Result != nil && r.Result.RequestID != "" {
			runs = append(runs, r.Entry.Detail+" → "+r.Entry.Changes[0].After)
		}
	}
	want := []string{"schedule " + key + " (revert) → \"" + before + "\"", "schedule " + key + " → \"Campaign 20:00\""}
	if strings.Join(runs, "|") != strings.Join(want, "|") {
		t.Errorf("room.update runs %q, want %q", runs, want)
	}
}

// Scenario (issue 14): a change to two fields is scheduled; before it runs,
// one of them is changed at Tencent directly. At run time that field is
// skipped and the change flagged (shown with the value found), the other
// applied; the skip is an audit entry.
func TestScheduledFieldChangedSinceIsSkippedAndFlagged(t *testing.T) {
	const id = "live_1051"
	restoreRoom(t, id)
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.openRoom(id)
	p.must(p.Locator("#RoomName").Fill("Scheduled name"))
	p.must(p.Locator("#Notice").Fill("Scheduled notice"))
	key := p.scheduleChange(time.Now().Add(5*time.Second), time.Time{})

	r := room(t, id)
	r.RoomName = "Renamed at Tencent"
	env.Emulator.PutRoom(r)

	p.gotoPath("/schedule")
	row := p.Locator(`[data-testid=schedule-row][data-schedule="` + key + `"]`)
	p.must(p.expect(row).ToHaveAttribute("data-status", "flagged", scheduleWait))
	p.must(p.expect(row.GetByTestId("step-flags")).ToContainText("RoomName"))
	p.must(p.expect(row.GetByTestId("step-flags")).ToContainText("Renamed at Tencent"))
	p.must(p.expect(p.byTestID("schedule-group-attention").Locator(`[data-schedule="` + key + `"]`)).ToHaveCount(1))
	if got := room(t, id); got.RoomName != "Renamed at Tencent" || got.Notice != "Scheduled notice" {
		t.Errorf("room after the run: name %q, notice %q", got.RoomName, got.Notice)
	}
	skips, err := env.Audit.List(context.Background(), audit.Filter{RoomID: id, Action: audit.ActionScheduleSkip}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(skips.Records) != 1 || !strings.Contains(skips.Records[0].Entry.Detail, "schedule "+key) {
		t.Errorf("schedule.skip entries: %+v", skips.Records)
	}
}

// Scenario (issue 14): a change scheduled for later is cancelled from
// /schedule; it never runs.
func TestScheduledChangeCancelled(t *testing.T) {
	const id = "live_1052"
	restoreRoom(t, id)
	updates := env.Emulator.UpdateCount(id)
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.openRoom(id)
	p.must(p.Locator("#RoomName").Fill("Never"))
	key := p.scheduleChange(time.Now().Add(time.Hour), time.Time{})
	p.gotoPath("/schedule")
	row := p.Locator(`[data-testid=schedule-row][data-schedule="` + key + `"]`)
	p.must(row.GetByTestId("schedule-cancel").Click())
	p.must(p.expect(p.byTestID("schedule-flash")).ToContainText(key))
	p.must(p.expect(row).ToHaveAttribute("data-status", "cancelled"))
	p.must(p.expect(row.GetByTestId("schedule-cancel")).ToHaveCount(0))
	if env.Emulator.UpdateCount(id) != updates {
		t.Error("a cancelled change reached Tencent")
	}
}
