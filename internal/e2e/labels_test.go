package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
)

// Issue 13: an admin names a category; the room list, the edit result and
// the audit log then show "name (code)" instead of the bare number, and the
// naming itself is in the audit log.
func TestNamedCategoryShowsEverywhere(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleAdmin))
	const name = "Live music 音乐"
	const shown = name + " (913)"

	p.gotoPath("/admin/labels")
	_, err := p.field("Kind").SelectOption(playwright.SelectOptionValues{Values: &[]string{"category"}})
	p.must(err)
	p.must(p.field("Code").Fill("913"))
	p.must(p.field("Name").Fill(name))
	p.must(p.byTestID("label-save").Click())
	p.must(p.expect(p.byTestID("labels-flash")).ToContainText(`Category 913 is now named "` + name + `"`))
	p.must(p.expect(p.byTestID("label-row").Filter(playwright.LocatorFilterOptions{HasText: "913"})).ToHaveCount(1))

	// The first room of the list gets the category through the edit form,
	// whose list of names offers it.
	p.gotoPath("/rooms")
	first := p.byTestID("room-row").First()
	id, err := first.GetAttribute("data-room-id")
	p.must(err)
	restoreRoom(t, id)
	p.openRoom(id)
	p.must(p.expect(p.Locator(`#category-names option[value="913"]`)).ToHaveText(name))
	p.must(p.field("Category 1").Fill("913"))
	p.must(p.field("Category 2").Fill(""))
	p.must(p.field("Category 3").Fill(""))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	p.must(p.expect(p.Locator(`[data-testid=change-row][data-field=Category] .after`)).ToHaveText(shown))

	p.gotoPath("/rooms")
	row := p.Locator(`[data-testid=room-row][data-room-id="` + id + `"]`)
	p.must(p.expect(row.GetByTestId("category")).ToHaveText(shown))

	// The audit log: the edit reads in names and words, and the naming is there.
	p.gotoPath("/audit?room=" + id)
	change := p.byTestID("audit-row").First().Locator(`[data-testid=inline-changes] li[data-field=Category]`)
	p.must(p.expect(change).ToContainText("Categories"))
	p.must(p.expect(change.Locator(".after")).ToHaveText(shown))
	p.gotoPath("/audit?action=labels.update")
	p.must(p.expect(p.byTestID("audit-row").First()).ToContainText(regexp.MustCompile(`category 913 .*` + name)))
}
