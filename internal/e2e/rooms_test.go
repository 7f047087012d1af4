package e2e

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/components"
)

// Scenario 2: an operator pages the room list forward and back, opens a
// room, changes its name, categories and seat mode, and sees the change
// applied, with Tencent's RequestId, in the page, after a reload and in
// Tencent (the emulator).
func TestEditRoomFromList(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))

	p.gotoPath("/rooms")
	p.must(p.expect(p.byTestID("page-number")).ToHaveText("Page 1"))
	first, err := p.byTestID("room-row").First().GetAttribute("data-room-id")
	p.must(err)

	p.must(p.byTestID("next-page").Click())
	p.must(p.expect(p.byTestID("page-number")).ToHaveText("Page 2"))
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/rooms\?(back=&)?cursor=\w`)))
	p.must(p.expect(p.byTestID("room-row")).ToHaveCount(20))
	p.must(p.expect(p.byTestID("room-row").First()).Not().ToHaveAttribute("data-room-id", first))

	p.must(p.byTestID("prev-page").Click())
	p.must(p.expect(p.byTestID("page-number")).ToHaveText("Page 1"))
	p.must(p.expect(p.byTestID("room-row").First()).ToHaveAttribute("data-room-id", first))

	// The last room of the first page: other scenarios use live_104x.
	row := p.byTestID("room-row").Last()
	id, err := row.GetAttribute("data-room-id")
	p.must(err)
	restoreRoom(t, id)
	before := room(t, id)
	p.must(row.GetByTestId("room-link").Click())
	p.must(p.expect(p.byTestID("fact-room-id")).ToHaveText(id))

	name := "Renamed by e2e 改名 ✓"
	mode := "ApplyToTake"
	if before.TakeSeatMode == mode {
		mode = "FreeToTake"
	}
	p.must(p.field("Room name").Fill(name))
	p.must(p.field("Category 1").Fill("7"))
	p.must(p.field("Category 2").Fill("11"))
	p.must(p.field("Category 3").Fill(""))
	_, err = p.field("Seat mode").SelectOption(playwright.SelectOptionValues{Values: &[]string{mode}})
	p.must(err)
	calls := updateCalls()
	p.submitEdit()

	result := p.byTestID("result-panel")
	p.must(p.expect(result).ToHaveAttribute("data-outcome", "ok"))
	p.must(p.expect(p.byTestID("result-outcome")).ToContainText("Saved"))
	p.must(p.expect(result.GetByTestId("request-id")).ToHaveText(regexp.MustCompile(`\S{8,}`)))
	for _, f := range []string{"RoomName", "Category", "TakeSeatMode"} {
		p.must(p.expect(result.Locator(fmt.Sprintf(`[data-testid=change-row][data-field=%q]`, f))).ToHaveCount(1))
	}
	p.must(p.expect(result.GetByTestId("change-row")).ToHaveCount(3)) // only what changed is sent
	p.must(p.expect(p.byTestID("fact-name")).ToHaveText(name))        // refreshed out of band

	// Tencent has the new values, in one call carrying exactly those fields.
	if n := updateCalls() - calls; n != 1 {
		t.Errorf("update_room_info calls: %d, want 1", n)
	}
	after := room(t, id)
	if after.RoomName != name || !slices.Equal(after.Category, []int{7, 11}) || after.TakeSeatMode != mode {
		t.Errorf("emulator room after the edit: name %q, categories %v, seat mode %s", after.RoomName, after.Category, after.TakeSeatMode)
	}
	if after.Notice != before.Notice || after.MaxMemberCount != before.MaxMemberCount {
		t.Errorf("fields the operator did not touch changed: %+v -> %+v", before, after)
	}

	// A reload reads the room from Tencent again.
	_, err = p.Reload()
	p.must(err)
	p.must(p.expect(p.byTestID("result-panel")).ToHaveCount(0))
	p.must(p.expect(p.field("Room name")).ToHaveValue(name))
	p.must(p.expect(p.field("Category 1")).ToHaveValue("7"))
	p.must(p.expect(p.field("Category 2")).ToHaveValue("11"))
	p.must(p.expect(p.field("Category 3")).ToHaveValue(""))
	p.must(p.expect(p.field("Seat mode")).ToHaveValue(mode))
	p.must(p.expect(p.byTestID("fact-name")).ToHaveText(name))
}

// Scenario 3: four categories, a 101-byte name and a javascript: cover URL
// each get their message next to their field, and nothing reaches Tencent.
func TestEditValidationErrors(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1041"
	p.expectStatus(422)
	p.openRoom(id)

	name := strings.Repeat("直", 33) + "é" // 33×3 + 2 = 101 bytes, 34 characters
	p.must(p.field("Room name").Fill(name))
	p.must(p.field("Category 1").Fill("4"))
	p.must(p.field("Category 2").Fill("5"))
	p.must(p.field("Category 3").Fill("6"))
	// The form has three category boxes; a forged fourth must be refused
	// by the server, not just prevented by the page.
	_, err := p.byTestID("room-form").Evaluate(`form => {
		const extra = document.createElement("input");
		extra.name = "Category"; extra.value = "8"; extra.type = "text";
		form.querySelector(".cats").appendChild(extra);
	}`, nil)
	p.must(err)
	p.must(p.field("Cover URL").Fill("javascript:alert(1)"))

	calls := updateCalls()
	p.submitEdit()

	p.must(p.expect(p.byTestID("validation-summary")).ToContainText("Nothing was sent: 3 fields to fix"))
	for _, c := range []struct{ field, label, msg string }{
		{"RoomName", "Room name", "Room name is 101 bytes; the limit is 100 bytes (it has 34 characters"},
		{"Category", "Category 1", "at most 3 categories (got 4)"},
		{"CoverURL", "Cover URL", "must be an absolute web address starting with https:// or http://"},
	} {
		msg := p.byTestID("field-error-" + c.field)
		p.must(p.expect(msg).ToContainText(c.msg))
		// Next to the field: inside the field's own box, and announced as
		// the input's description.
		p.must(p.expect(p.Locator(".field.invalid").Filter(playwright.LocatorFilterOptions{Has: p.field(c.label)}).GetByTestId("field-error-" + c.field)).ToBeVisible())
		p.must(p.expect(p.field(c.label)).ToHaveAttribute("aria-invalid", "true"))
		p.must(p.expect(p.field(c.label)).ToHaveAccessibleDescription(regexp.MustCompile(regexp.QuoteMeta(c.msg))))
	}
	// The operator's input stays in the form to be corrected.
	p.must(p.expect(p.field("Room name")).ToHaveValue(name))
	p.must(p.expect(p.field("Cover URL")).ToHaveValue("javascript:alert(1)"))
	expectNothingSent(t, calls)
}

// Scenario 4: the room is dismissed while the operator has its form open:
// the save says so clearly, with Tencent's RequestId, and sends nothing.
func TestEditRoomDeletedMeanwhile(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1042"
	p.expectStatus(404)
	restoreRoom(t, id)
	p.openRoom(id)

	env.Emulator.DeleteRoom(id)
	p.must(p.field("Room name").Fill("Too late"))
	calls := updateCalls()
	p.submitEdit()

	problem := p.byTestID("problem-panel")
	p.must(p.expect(problem).ToContainText("Room not found"))
	p.must(p.expect(problem).ToContainText(`Tencent has no live room with RoomId "live_1042"`))
	p.must(p.expect(problem.GetByTestId("error-code")).ToContainText("100004"))
	p.must(p.expect(problem.GetByTestId("request-id")).ToHaveText(regexp.MustCompile(`\S{8,}`)))
	p.must(p.expect(p.byTestID("result-panel")).ToHaveCount(0))
	expectNothingSent(t, calls)
}

// Scenario 5: Tencent answers 100001 (internal error, retryable) twice, then
// OK: the edit succeeds and the result shows the three attempts.
func TestEditRetriedThenSaved(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1043"
	restoreRoom(t, id)
	p.openRoom(id)

	notice := "Retried notice 重试"
	p.must(p.field("Notice").Fill(notice))
	calls := updateCalls()
	injectFaults(t, func(e *emulator.Emulator) { e.FailNext(cmdUpdate, 2, tencent.CodeInternal) })
	p.submitEdit()

	result := p.byTestID("result-panel")
	p.must(p.expect(result).ToHaveAttribute("data-outcome", "ok"))
	p.must(p.expect(result.GetByTestId("attempts")).ToHaveText("3"))
	p.must(p.expect(result.GetByTestId("request-id")).ToHaveText(regexp.MustCompile(`\S{8,}`)))
	if n := updateCalls() - calls; n != 3 {
		t.Errorf("update_room_info calls: %d, want 3", n)
	}
	if got := room(t, id).Notice; got != notice {
		t.Errorf("emulator notice = %q, want %q", got, notice)
	}
}

// Scenario 6: every attempt loses its connection: the result says
// "outcome unknown", and the audit log, filtered by the room, shows the
// intent with that outcome.
func TestEditOutcomeUnknown(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1044"
	restoreRoom(t, id)
	p.openRoom(id)

	p.must(p.field("Room name").Fill("Lost in transit"))
	calls := updateCalls()
	// Dropped connections rather than latency: the same "no answer" for
	// the client, without waiting out three 2 s attempt timeouts.
	injectFaults(t, func(e *emulator.Emulator) { e.DropNext(cmdUpdate, 3) })
	p.submitEdit()

	result := p.byTestID("result-panel")
	p.must(p.expect(result).ToHaveAttribute("data-outcome", "unknown"))
	p.must(p.expect(p.byTestID("result-outcome")).ToHaveText("Outcome unknown"))
	p.must(p.expect(result.GetByTestId("request-id")).ToContainText("no answer arrived"))
	p.must(p.expect(result.GetByTestId("attempts")).ToHaveText("3"))
	if n := updateCalls() - calls; n != 3 {
		t.Errorf("update_room_info calls: %d, want 3", n)
	}

	// The audit log, filtered by the room through the filter form.
	p.gotoPath("/audit")
	p.must(p.field("Room").Fill(id))
	p.must(p.byTestID("audit-filter-form").GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Apply filters"}).Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/audit\?room=live_1044$`)))
	rows := p.byTestID("audit-row")
	p.must(p.expect(rows).ToHaveCount(1))
	p.must(p.expect(rows.First()).ToContainText(id))
	// The field by its label (issue 13: words, not API names), and which one it is.
	p.must(p.expect(rows.First()).ToContainText("Room name"))
	p.must(p.expect(rows.First().Locator(`[data-testid=inline-changes] li[data-field=RoomName]`)).ToHaveCount(1))
	p.must(p.expect(rows.First().GetByTestId("outcome")).ToHaveAttribute("data-outcome", "unknown"))
	p.must(p.expect(rows.First().GetByTestId("outcome")).ToContainText(regexp.MustCompile(`(?i)unknown`)))

	// The entry itself explains what "unknown" means.
	p.must(rows.First().GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Entry "}).Click())
	p.must(p.expect(p.byTestID("outcome-unknown")).ToContainText("Outcome unknown"))
	p.must(p.expect(p.byTestID("change-row")).ToContainText("Lost in transit"))
}

// Scenario 7: someone else renames the room while the operator's form is
// open: the save shows both names and sends nothing.
func TestEditConflict(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1045"
	p.expectStatus(409)
	restoreRoom(t, id)
	p.openRoom(id)
	original := room(t, id)

	theirs := original
	theirs.RoomName = "Renamed elsewhere 他人"
	env.Emulator.PutRoom(theirs)
	p.must(p.field("Room name").Fill("Mine 我的"))
	calls := updateCalls()
	p.submitEdit()

	conflict := p.byTestID("conflict-panel")
	p.must(p.expect(conflict).ToContainText("Someone else changed this room"))
	row := conflict.Locator(`[data-testid=conflict-row][data-field=RoomName]`)
	p.must(p.expect(row).ToHaveCount(1))
	p.must(p.expect(row.GetByTestId("conflict-theirs")).ToHaveText("Renamed elsewhere 他人"))
	p.must(p.expect(row.GetByTestId("conflict-yours")).ToHaveText("Mine 我的"))
	p.must(p.expect(row).ToContainText(original.RoomName))
	p.must(p.expect(conflict.GetByTestId("conflict-row")).ToHaveCount(1))
	p.must(p.expect(p.byTestID("result-panel")).ToHaveCount(0))
	expectNothingSent(t, calls)
	if got := room(t, id).RoomName; got != theirs.RoomName {
		t.Errorf("emulator room name = %q, want theirs %q", got, theirs.RoomName)
	}
}

// Scenario 8: a viewer sees no edit controls, and a forged POST from their
// session is refused with 403 and sends nothing.
func TestViewerCannotEdit(t *testing.T) {
	p := newPage(t)
	p.expectConsole(`status of 403`) // the forged request's refusal
	p.login(user(t, auth.RoleViewer))
	const id = "live_1046"
	p.gotoPath(components.RoomURL(id))
	p.must(p.expect(p.byTestID("fact-room-id")).ToHaveText(id))

	p.must(p.expect(p.byTestID("room-readonly")).ToBeVisible())
	p.must(p.expect(p.byTestID("room-form")).ToHaveCount(0))
	p.must(p.expect(p.byTestID("submit")).ToHaveCount(0))
	p.must(p.expect(p.Locator("#edit-region").Locator("input:not([type=hidden]), select, textarea")).ToHaveCount(0))
	p.must(p.expect(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save changes"})).ToHaveCount(0))
	p.must(p.expect(p.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Bulk edit"})).ToHaveCount(0))

	before := room(t, id)
	calls := updateCalls()
	status, err := p.Evaluate(`async ([path, name]) => {
		const body = new URLSearchParams();
		body.append("RoomName", name);
		body.append("orig_RoomName", "whatever it was");
		const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
		const resp = await fetch(path, {method: "POST", body, headers: {"HX-Request": "true", ...csrf}});
		return resp.status;
	}`, []any{components.RoomURL(id), "Forged by a viewer"})
	p.must(err)
	if status != 403 {
		t.Errorf("forged POST answered %v, want 403", status)
	}
	expectNothingSent(t, calls)
	if got := room(t, id).RoomName; got != before.RoomName {
		t.Errorf("room renamed to %q by a viewer", got)
	}
}
