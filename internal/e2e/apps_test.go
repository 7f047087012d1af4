package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// Scenario (issue 16): demo mode serves two apps. An operator switches
// apps in the header, edits a room in each (each app's own emulator gets
// its edit, and only it), and filters the audit log by app.
func TestSwitchAppsEditEachFilterAudit(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	cn, sg := env.Emulators["demo-cn"], env.Emulators["demo-sg"]

	// The single-app URL is the default app, and says so.
	p.must(p.expect(p.byTestID("app-name")).ToHaveText("Demo CN"))

	// Switch to Demo SG in the header.
	p.must(p.byTestID("app-current").Click())
	p.must(p.byTestID("app-link-demo-sg").Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/apps/demo-sg/rooms$`)))
	p.must(p.expect(p.byTestID("app-name")).ToHaveText("Demo SG"))
	p.must(p.expectPage().ToHaveTitle(regexp.MustCompile(`Demo SG`)))

	// Edit the fourth room of the list in Demo SG.
	row := p.byTestID("room-row").Nth(3)
	id, err := row.GetAttribute("data-room-id")
	p.must(err)
	restoreIn(t, cn, id)
	restoreIn(t, sg, id)
	cnBefore, _ := cn.Room(id)
	p.must(row.GetByTestId("room-link").Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/apps/demo-sg/rooms/` + id + `$`)))
	p.must(p.field("Room name").Fill("SG edit by e2e"))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	sgID := p.textOf(p.byTestID("result-panel").GetByTestId("request-id"))
	if r, _ := sg.Room(id); r.RoomName != "SG edit by e2e" {
		t.Errorf("Demo SG's room is named %q", r.RoomName)
	}
	if r, _ := cn.Room(id); r.RoomName != cnBefore.RoomName {
		t.Errorf("Demo CN's room changed to %q by an edit in Demo SG", r.RoomName)
	}

	// Back to Demo CN through the switcher; the same room there is its own.
	p.must(p.byTestID("app-current").Click())
	p.must(p.byTestID("app-link-demo-cn").Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/apps/demo-cn/rooms$`)))
	p.must(p.expect(p.byTestID("app-name")).ToHaveText("Demo CN"))
	p.must(p.Locator(`[data-testid=room-row][data-room-id="` + id + `"]`).GetByTestId("room-link").Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/apps/demo-cn/rooms/` + id + `$`)))
	p.must(p.expect(p.field("Room name")).ToHaveValue(cnBefore.RoomName))
	p.must(p.field("Room name").Fill("CN edit by e2e"))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	cnID := p.textOf(p.byTestID("result-panel").GetByTestId("request-id"))
	if r, _ := cn.Room(id); r.RoomName != "CN edit by e2e" {
		t.Errorf("Demo CN's room is named %q", r.RoomName)
	}
	if r, _ := sg.Room(id); r.RoomName != "SG edit by e2e" {
		t.Errorf("Demo SG's room changed to %q by an edit in Demo CN", r.RoomName)
	}

	// The one audit log, filtered by app.
	p.gotoPath("/audit")
	_, err = p.field("App").SelectOption(playwright.SelectOptionValues{Values: &[]string{"demo-sg"}})
	p.must(err)
	p.must(p.field("Room").Fill(id))
	p.must(p.byTestID("audit-filter-form").GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Apply filters"}).Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/audit\?app=demo-sg&room=` + id + `$`)))
	rows := p.byTestID("audit-results").GetByTestId("audit-row")
	p.must(p.expect(rows).ToHaveCount(1))
	p.must(p.expect(rows.GetByTestId("audit-app")).ToHaveText("demo-sg"))
	p.must(p.expect(rows.GetByTestId("request-id")).ToHaveText(sgID))
	p.must(p.expect(p.byTestID("audit-results")).Not().ToContainText(cnID))
	// The row's room link opens the room in its app.
	p.must(rows.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: id}).Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/apps/demo-sg/rooms/` + id + `$`)))
	p.must(p.expect(p.byTestID("app-name")).ToHaveText("Demo SG"))
}

// restoreIn puts a room of one app's emulator back when the test ends.
func restoreIn(t *testing.T, e *emulator.Emulator, id string) {
	t.Helper()
	saved, ok := e.Room(id)
	if !ok {
		t.Fatalf("no room %q", id)
	}
	t.Cleanup(func() { e.PutRoom(saved) })
}
