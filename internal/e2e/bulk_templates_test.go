package e2e

import (
	"context"
	"net/url"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// Issue 13's bulk preview: two rooms ticked on the room list open the bulk
// form as "2 selected rooms", "Listed publicly" starts at no change, the
// preview shows each room's current name (from the catalogue) beside the
// new one, the changes are saved as a template, and after a reload the
// template fills the form again and the job runs, leaving the rooms'
// listing alone.
func TestBulkPreviewAndTemplates(t *testing.T) {
	rooms := map[string]string{"e2e_bp_1": "Bulkprev Alpha", "e2e_bp_2": "Bulkprev Beta"}
	for id, name := range rooms {
		env.Emulator.PutRoom(emulator.Room{RoomID: id, RoomName: name, RoomType: emulator.RoomTypeLive, IsPublicVisible: true,
			ViewCount: 3, TakeSeatMode: "FreeToTake", MaxMemberCount: 50})
	}
	t.Cleanup(func() {
		for id := range rooms {
			env.Emulator.DeleteRoom(id)
		}
		list, _ := env.Templates.List(context.Background(), env.Apps.Default().ID)
		for _, tp := range list {
			if tp.Name == "Happy hour" {
				_, _ = env.Templates.Delete(context.Background(), audit.Actor{Name: "e2e", Role: "admin"}, env.Apps.Default().ID, tp.ID)
			}
		}
	})
	if err := env.SweepCatalogue(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.gotoPath("/rooms?q=" + url.QueryEscape("Bulkprev"))
	boxes := p.byTestID("room-select")
	p.must(p.expect(boxes).ToHaveCount(2))
	p.must(boxes.Nth(0).Check())
	p.must(boxes.Nth(1).Check())
	p.must(p.byTestID("bulk-selected").Click())
	p.must(p.WaitForURL("**/bulk?room=*"))
	p.must(p.expect(p.byTestID("bulk-selected-rooms")).ToContainText("2 selected rooms"))
	p.must(p.expect(p.byTestID("value-IsPublicVisible")).ToHaveValue(""))

	p.must(p.byTestID("change-RoomName").Check())
	p.must(p.byTestID("value-RoomName").Fill("Bulkprev Renamed"))
	p.must(p.byTestID("change-Notice").Check())
	p.must(p.byTestID("value-Notice").Fill("Happy hour\nfrom six"))
	p.must(p.expect(p.Locator("#bulk-Notice-count")).ToHaveText("19 / 100 bytes"))
	p.must(p.byTestID("bulk-preview-button").Click())
	p.must(p.expect(p.byTestID("bulk-source")).ToHaveText("2 selected rooms"))
	for id, name := range rooms {
		row := p.Locator(`[data-testid=bulk-compare-room][data-room-id="` + id + `"] [data-testid=bulk-compare-row][data-field=RoomName]`)
		p.must(p.expect(row.Locator("[data-testid=bulk-now] .current")).ToHaveText(name))
		p.must(p.expect(row.GetByTestId("bulk-as-of")).ToBeVisible())
		p.must(p.expect(row.Locator("[data-testid=bulk-new] .after")).ToHaveText("Bulkprev Renamed"))
	}
	p.must(p.expect(p.byTestID("bulk-changes")).Not().ToContainText("Listed publicly"))
	p.checkA11y("bulk preview")

	p.must(p.byTestID("bulk-template-name").Fill("Happy hour"))
	p.must(p.byTestID("bulk-template-save").Click())
	p.must(p.expect(p.byTestID("bulk-template-outcome")).ToContainText(`"Happy hour" saved`))
	p.must(p.expect(p.byTestID("bulk-template-outcome")).ToBeFocused())
	p.must(p.expect(p.byTestID("bulk-selected-room")).ToHaveCount(2))
	p.spinnerGone()
	p.checkA11y("bulk template saved")

	if _, err := p.Reload(); err != nil {
		t.Fatal(err)
	}
	p.must(p.expect(p.byTestID("value-RoomName")).ToHaveValue(""))
	_, err := p.byTestID("bulk-template-select").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Happy hour"}})
	p.must(err)
	p.must(p.byTestID("bulk-template-apply").Click())
	p.must(p.expect(p.byTestID("bulk-template-outcome")).ToContainText(`"Happy hour" applied`))
	p.must(p.expect(p.byTestID("value-RoomName")).ToHaveValue("Bulkprev Renamed"))
	p.must(p.expect(p.byTestID("change-RoomName")).ToBeChecked())
	p.must(p.expect(p.byTestID("value-IsPublicVisible")).ToHaveValue(""))
	p.must(p.expect(p.byTestID("bulk-selected-room")).ToHaveCount(2))
	p.spinnerGone()
	p.checkA11y("bulk template applied")

	p.must(p.byTestID("bulk-preview-button").Click())
	p.must(p.expect(p.byTestID("bulk-room-count")).ToHaveText("2"))
	p.must(p.byTestID("bulk-start").Click())
	p.must(p.WaitForURL("**/bulk/*"))
	p.must(playwright.NewPlaywrightAssertions(20000).Locator(p.byTestID("bulk-status")).ToHaveText("done"))
	for id := range rooms {
		r, _ := env.Emulator.Room(id)
		if r.RoomName != "Bulkprev Renamed" || r.Notice != "Happy hour\nfrom six" || !r.IsPublicVisible {
			t.Errorf("%s after the job: name %q, notice %q, listed %v", id, r.RoomName, r.Notice, r.IsPublicVisible)
		}
	}
}

// spinnerGone waits for the form's "checking…" indicator to finish fading
// out: the whole page was swapped in, and the new form settles from the
// old one's htmx-request class, so the indicator fades from visible.
// Checked mid-fade, its text is nearly transparent.
func (p *page) spinnerGone() {
	p.t.Helper()
	p.must(p.expect(p.Locator("#preview-spinner")).ToHaveCSS("opacity", "0"))
}
