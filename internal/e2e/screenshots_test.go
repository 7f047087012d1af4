package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/components"
)

// TestScreenshots writes the README's Chinese and Japanese screenshots
// (room page, result panel after a save, audit log, each in the
// language's usual zone) into the directory ROOMDESK_SCREENSHOTS names,
// e.g. ROOMDESK_SCREENSHOTS=$PWD/docs. Opt-in: without the variable it
// skips, so CI never writes files. Chromium needs CJK fonts (Debian:
// fonts-noto-cjk), or the pages render as boxes.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("ROOMDESK_SCREENSHOTS")
	if dir == "" {
		t.Skip("set ROOMDESK_SCREENSHOTS=<dir> to write the README's screenshots")
	}
	for _, tc := range []struct{ locale, suffix, zone, room, notice string }{
		{"zh-CN", "zh", "Asia/Shanghai", "live_1002", "今晚 8 点准时开播，欢迎点歌"},
		{"ja-JP", "ja", "Asia/Tokyo", "live_1059", "今夜 21 時から配信します"},
	} {
		t.Run(tc.suffix, func(t *testing.T) {
			restoreRoom(t, tc.room)
			p := newPageAt(t, 1280, tc.locale)
			p.gotoPath("/login")
			p.must(p.Locator("#username").Fill(user(t, auth.RoleOperator)))
			p.must(p.Locator("#password").Fill(apptest.Password))
			p.must(p.Locator(`form[action="/login"] button[type=submit]`).Click())
			p.must(p.WaitForURL("**/rooms**"))
			p.gotoPath("/account")
			_, err := p.byTestID("zone-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{tc.zone}})
			p.must(err)
			p.must(p.byTestID("zone-save").Click())
			p.must(p.expect(p.byTestID("account-notice")).ToBeVisible())

			shot := func(name string, l playwright.Locator) {
				t.Helper()
				path := filepath.Join(dir, "screenshot-"+name+"."+tc.suffix+".png")
				if l != nil {
					_, err = l.Screenshot(playwright.LocatorScreenshotOptions{Path: playwright.String(path)})
				} else {
					_, err = p.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(path)})
				}
				p.must(err)
				t.Logf("wrote %s", path)
			}
			p.gotoPath(components.RoomURL(tc.room))
			p.must(p.expect(p.byTestID("room-form")).ToBeVisible())
			shot("room", nil)

			p.must(p.Locator("#Notice").Fill(tc.notice))
			p.submitEdit()
			panel := p.byTestID("result-panel")
			p.must(p.expect(panel).ToHaveAttribute("data-outcome", "ok"))
			shot("result", nil) // the swap scrolls the outcome to the top

			p.must(p.SetViewportSize(1280, 1200)) // the filter and a few rows
			p.gotoPath("/audit")
			p.must(p.expect(p.byTestID("audit-row").First()).ToBeVisible())
			shot("audit", nil)
		})
	}
}
