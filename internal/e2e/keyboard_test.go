package e2e

import (
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// tabTo presses Tab until the focused element matches selector, failing
// after max presses. Only the keyboard moves focus here.
func (p *page) tabTo(selector string, max int) {
	p.t.Helper()
	for i := 0; i < max; i++ {
		p.must(p.Keyboard().Press("Tab"))
		ok, err := p.Evaluate(`s => document.activeElement && document.activeElement.matches(s)`, selector)
		p.must(err)
		if ok == true {
			return
		}
	}
	p.t.Fatalf("%d Tabs never reached %s", max, selector)
}

// focusedMatches says whether the focused element matches selector.
func (p *page) focusedMatches(selector string) bool {
	p.t.Helper()
	ok, err := p.Evaluate(`s => !!document.activeElement && document.activeElement.matches(s)`, selector)
	p.must(err)
	return ok == true
}

// TestKeyboardOnlyEdit is issue 21's keyboard-only scenario: sign in, find
// a room, change two fields, save, hear the outcome in the live region,
// open the audit entry. Keys only: no click, no Fill.
func TestKeyboardOnlyEdit(t *testing.T) {
	const id = "live_1049"
	restoreRoom(t, id)
	name := user(t, auth.RoleOperator)
	p := newPage(t)
	kb := p.Keyboard()

	p.gotoPath("/login")
	// The username field has autofocus.
	p.must(p.expect(p.Locator("#username")).ToBeFocused())
	p.must(kb.Type(name))
	p.must(kb.Press("Tab"))
	p.must(kb.Type(apptest.Password))
	p.must(kb.Press("Enter"))
	p.must(p.WaitForURL("**/rooms**"))

	// Find the room: skip link, then the open-a-room box.
	p.must(kb.Press("Tab"))
	if !p.focusedMatches(`[data-testid="skip-link"]`) {
		t.Fatal("the first Tab on /rooms does not reach the skip link")
	}
	p.must(kb.Press("Enter"))
	p.tabTo("#open-id", 5)
	p.must(kb.Type(id))
	p.must(kb.Press("Enter"))
	p.must(p.expect(p.byTestID("fact-room-id")).ToHaveText(id))

	// Two fields: the name and the member limit.
	p.must(kb.Press("Tab"))
	p.must(kb.Press("Enter")) // skip link
	p.tabTo("#RoomName", 30)
	p.must(kb.Press("ControlOrMeta+a"))
	p.must(kb.Type("Keyboard only"))
	p.tabTo("#MaxMemberCount", 10)
	p.must(kb.Press("ControlOrMeta+a"))
	p.must(kb.Type("321"))
	p.tabTo(`[data-testid="submit"]`, 30)
	p.must(kb.Press("Enter"))

	// The outcome is announced in the stable live region, and focus is on
	// its heading.
	p.must(p.expect(p.byTestID("announce")).ToHaveText("Saved: Tencent applied the change"))
	p.must(p.expect(p.byTestID("result-outcome")).ToBeFocused())
	if r := room(t, id); r.RoomName != "Keyboard only" || r.MaxMemberCount != 321 {
		t.Fatalf("Tencent holds %q / %d; want the two typed values", r.RoomName, r.MaxMemberCount)
	}

	// Open the audit entry from the result panel.
	p.tabTo(`[data-testid="audit-link"]`, 10)
	p.must(kb.Press("Enter"))
	p.must(p.expect(p.byTestID("entry-detail")).ToBeVisible())
}
