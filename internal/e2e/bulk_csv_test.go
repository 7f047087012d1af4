package e2e

import (
	"context"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// A CSV file chosen in the bulk form survives applying a template, which
// draws the page again (a browser never refills a file input): the next
// preview still reads the file's rooms and names, and the note says which
// file is kept.
func TestBulkTemplateKeepsTheChosenCSV(t *testing.T) {
	ids := []string{"e2e_csv_1", "e2e_csv_2"}
	for _, id := range ids {
		env.Emulator.PutRoom(emulator.Room{RoomID: id, RoomName: "CSV keep " + id, RoomType: emulator.RoomTypeLive,
			IsPublicVisible: true, TakeSeatMode: "FreeToTake", MaxMemberCount: 50})
	}
	admin := audit.Actor{Name: "e2e", Role: "admin"}
	tpl, err := env.Templates.Save(context.Background(), admin, env.Apps.Default().ID, "CSV keep notice",
		rooms.Form{rooms.FieldNotice: {"Kept file"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, id := range ids {
			env.Emulator.DeleteRoom(id)
		}
		_, _ = env.Templates.Delete(context.Background(), admin, env.Apps.Default().ID, tpl.ID)
	})
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.gotoPath("/bulk")
	p.must(p.byTestID("bulk-csv").SetInputFiles([]playwright.InputFile{{Name: "two-rooms.csv", MimeType: "text/csv",
		Buffer: []byte("RoomId,RoomName\r\ne2e_csv_1,CSV One\r\ne2e_csv_2,CSV Two\r\n")}}))
	_, err = p.byTestID("bulk-template-select").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"CSV keep notice"}})
	p.must(err)
	p.must(p.byTestID("bulk-template-apply").Click())
	p.must(p.expect(p.byTestID("bulk-template-outcome")).ToContainText(`"CSV keep notice" applied`))
	p.must(p.expect(p.byTestID("bulk-csv-kept")).ToContainText("two-rooms.csv"))
	p.spinnerGone()
	p.checkA11y("bulk template applied with a CSV kept")

	p.must(p.byTestID("bulk-preview-button").Click())
	p.must(p.expect(p.byTestID("bulk-room-count")).ToHaveText("2"))
	p.must(p.expect(p.byTestID("bulk-source")).ToContainText("two-rooms.csv"))
	p.must(p.expect(p.byTestID("bulk-changes")).ToContainText("Kept file"))
	p.spinnerGone() // the end-of-test accessibility scan must not catch it mid-fade
}
