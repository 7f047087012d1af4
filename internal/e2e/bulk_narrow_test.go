package e2e

import (
	"context"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// On a phone the bulk page's tables with nothing to tab to (another's
// templates, a CSV's bad lines, the preview's comparison) scroll sideways
// and must be reachable by keyboard: each is a focusable, named region
// (components.ScrollRegion), which axe checks at 390 px.
func TestBulkTablesScrollByKeyboardOnAPhone(t *testing.T) {
	admin := audit.Actor{Name: "e2e", Role: "admin"}
	tpl, err := env.Templates.Save(context.Background(), admin, env.Apps.Default().ID, "Narrow screen notice",
		rooms.Form{rooms.FieldNotice: {"Narrow"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = env.Templates.Delete(context.Background(), admin, env.Apps.Default().ID, tpl.ID) })
	p := newPageAt(t, 390, "")
	p.login(user(t, auth.RoleOperator)) // not the template's creator: no button in its row
	overflows := func(table playwright.Locator, what string) {
		t.Helper()
		wide, err := table.Evaluate(`t => t.closest('.table-wrap').scrollWidth > t.closest('.table-wrap').clientWidth`, nil)
		p.must(err)
		if wide != true {
			t.Fatalf("%s does not scroll at 390 px: this test no longer checks what it is for", what)
		}
	}
	p.gotoPath("/bulk")
	p.must(p.expect(p.byTestID("bulk-templates")).ToContainText("Narrow screen notice"))
	overflows(p.Locator("table.bulk-template-list"), "the template list")
	p.checkA11y("bulk templates, 390 px")

	for _, tc := range []struct{ csv, table string }{
		{"RoomId,MaxMemberCount\nlive_1001,10\nlive_1002,zero\n", "bulk-bad-lines"},
		{"RoomId,RoomName\nlive_1001,A long new room name for a narrow screen\nlive_1002,Other\n", "bulk-compare"},
	} {
		p.gotoPath("/bulk")
		p.must(p.byTestID("bulk-csv").SetInputFiles([]playwright.InputFile{{Name: "rooms.csv", MimeType: "text/csv", Buffer: []byte(tc.csv)}}))
		p.must(p.byTestID("change-Notice").Check())
		p.must(p.byTestID("value-Notice").Fill("hello"))
		p.must(p.byTestID("bulk-preview-button").Click())
		p.must(p.expect(p.byTestID(tc.table)).ToBeVisible())
		p.spinnerGone()
		overflows(p.byTestID(tc.table), tc.table)
		p.checkA11y(tc.table + ", 390 px")
	}
}
