package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/localtime"
)

// TestTimeZoneOnAccountShowsLocalTimesInAudit: a user chooses Asia/Tokyo
// on /account; the audit log then shows their sign-in at +9, with the UTC
// instant in datetime and the hover title, and its filter takes Tokyo
// times (the minute of the sign-in, typed in the one format, keeps it).
func TestTimeZoneOnAccountShowsLocalTimesInAudit(t *testing.T) {
	name := user(t, auth.RoleViewer)
	p := newPage(t)
	p.login(name)
	p.gotoPath("/account")
	_, err := p.byTestID("zone-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{"Asia/Tokyo"}})
	p.must(err)
	p.must(p.byTestID("zone-save").Click())
	p.must(p.expect(p.byTestID("account-notice")).ToBeVisible())
	p.must(p.expect(p.byTestID("zone-select")).ToHaveValue("Asia/Tokyo"))
	p.checkA11y("zone saved")

	p.gotoPath("/audit?action=auth.login&actor=" + url.QueryEscape(name))
	stamp := p.byTestID("audit-row").First().Locator("time")
	p.must(p.expect(stamp).ToHaveText(regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+9$`)))
	iso := must1(stamp.GetAttribute("datetime"))
	at, err := time.Parse(time.RFC3339Nano, iso)
	if err != nil || !strings.HasSuffix(iso, "Z") {
		t.Fatalf("datetime %q is not an RFC 3339 UTC instant (%v)", iso, err)
	}
	tokyo, err := localtime.Load("Asia/Tokyo")
	p.must(err)
	p.must(p.expect(stamp).ToHaveText(at.In(tokyo).Format("2006-01-02 15:04:05") + " UTC+9"))
	p.must(p.expect(stamp).ToHaveAttribute("title", at.UTC().Format("2006-01-02 15:04:05")+" UTC"))

	// The filter says its zone and reads what is typed in it.
	p.must(p.expect(p.Locator(`label[for="f-from"]`)).ToHaveText("From (Asia/Tokyo)"))
	p.must(p.Locator("#f-from").Fill(at.In(tokyo).Format("2006-01-02 15:04")))
	p.must(p.Locator("#f-to").Fill(at.In(tokyo).Format("2006-01-02 15:04")))
	p.must(p.byTestID("audit-filter-form").GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Apply filters"}).Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`tz=Asia%2FTokyo`)))
	p.must(p.expect(p.byTestID("audit-results").GetByTestId("audit-row")).ToHaveCount(1))
	p.must(p.expect(p.byTestID("audit-results").Locator("time")).ToHaveAttribute("datetime", iso))
}

// TestBulkPollKeepsFocusAndAnnounces: while a bulk job's progress polls
// (the region is swapped every second), focus stays on the room link the
// keyboard user is on, and progress is announced politely in the stable
// live region at each 10% (not at every poll).
func TestBulkPollKeepsFocusAndAnnounces(t *testing.T) {
	ids := bulkRooms(t, "e2e-focus", 50)
	gate.Hold(func(c callgate.Call) bool {
		return c.Command == emulator.CmdUpdateRoomInfo && strings.HasPrefix(c.RoomID, "e2e-focus-")
	})
	t.Cleanup(gate.Open)
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.gotoPath("/bulk")
	p.must(p.byTestID("bulk-rooms").Fill(strings.Join(ids, "\n")))
	p.must(p.byTestID("change-RoomName").Check())
	p.must(p.byTestID("value-RoomName").Fill("Focus kept"))
	p.must(p.byTestID("bulk-preview-button").Click())
	p.must(p.expect(p.byTestID("bulk-room-count")).ToHaveText("50"))
	p.must(p.byTestID("bulk-start").Click())
	p.must(p.WaitForURL("**/bulk/*"))
	p.must(p.expect(p.byTestID("bulk-status")).ToHaveText("running"))

	// Count the poll's swaps from here on.
	_, err := p.Evaluate(`() => { window.__swaps = 0; document.body.addEventListener("htmx:afterSwap", () => { window.__swaps++; }); }`)
	p.must(err)
	link := p.byTestID("bulk-item").First().Locator("a").First()
	linkID := must1(link.GetAttribute("id"))
	p.must(link.Focus())
	swapsAtLeast := func(n int) {
		t.Helper()
		_, err := p.WaitForFunction(`n => window.__swaps >= n`, n, playwright.PageWaitForFunctionOptions{Timeout: playwright.Float(expectTimeoutMS)})
		p.must(err)
	}
	focusKept := func(when string) {
		t.Helper()
		if !p.focusedMatches("#" + linkID) {
			active, _ := p.Evaluate(`() => document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : "none"`)
			t.Fatalf("%s: focus left the room link, now on %v", when, active)
		}
	}
	swapsAtLeast(3)
	focusKept("after 3 polls")
	announce := p.byTestID("announce")
	quiet := must1(announce.TextContent())

	// Let 5 of 50 rooms through (10%), then 5 more (20%): each tenth is
	// said once in the live region, and focus stays put through the swaps.
	release := func(n int) { t.Helper(); releaseHeld(t, "e2e-focus-", n) }
	release(5)
	p.must(p.expect(p.byTestID("bulk-bar")).ToHaveAttribute("data-finished", "5"))
	p.must(p.expect(announce).ToContainText("10%"))
	if got := must1(announce.TextContent()); got == quiet {
		t.Fatalf("the live region did not change: %q", got)
	}
	focusKept("after 10%")
	release(5)
	p.must(p.expect(p.byTestID("bulk-bar")).ToHaveAttribute("data-finished", "10"))
	p.must(p.expect(announce).ToContainText("20%"))
	focusKept("after 20%")
	n, err := p.Evaluate(`() => window.__swaps`)
	p.must(err)
	swapsAtLeast(toInt(n) + 2)
	focusKept("two more polls later")
	if live := must1(announce.GetAttribute("role")); live != "status" {
		t.Errorf("the live region's role is %q, want status (polite)", live)
	}
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}
