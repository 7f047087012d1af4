package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/components"
)

// Scenario 11: no page logs a console error or breaks the CSP. newPage's
// cleanup fails the test on any such message; this visits every page, as
// an admin (who sees the most), and checks each one really rendered.
func TestNoConsoleErrors(t *testing.T) {
	p := newPage(t)

	p.visit("/login", http.StatusOK, p.button("Sign in"))
	p.login(user(t, auth.RoleAdmin))

	p.visit("/rooms", http.StatusOK, p.byTestID("room-row").First())
	p.visit(components.RoomURL("live_1048"), http.StatusOK, p.byTestID("room-form"))
	p.visit(components.RoomURL("live/ops #7"), http.StatusOK, p.byTestID("room-form")) // an id URLs must escape
	p.visit(components.RoomURL("live_9999"), http.StatusNotFound, p.byTestID("room-problem"))
	p.visit("/audit", http.StatusOK, p.byTestID("audit-row").First())
	p.must(p.byTestID("audit-row").First().GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Entry "}).Click())
	p.must(p.expect(p.byTestID("entry-detail")).ToBeVisible())
	p.visit("/admin/users", http.StatusOK, p.byTestID("users-table"))
	p.visit("/no/such/page", http.StatusNotFound, p.byTestID("error-page"))
}

// visit loads path, checks its status, waits for want to show, and lets
// late work (images, scripts) finish so its console messages are caught.
func (p *page) visit(path string, status int, want playwright.Locator) {
	p.t.Helper()
	if status >= 400 {
		// Chromium logs the status of a page served as an error, as it
		// does for any resource; allow exactly that line for this page.
		p.expectConsole(fmt.Sprintf(`^error: Failed to load resource: the server responded with a status of %d .*\(at %s\)$`,
			status, regexp.QuoteMeta(env.URL+path)))
	}
	resp := p.gotoPath(path)
	if resp.Status() != status {
		p.t.Errorf("GET %s: status %d, want %d", path, resp.Status(), status)
	}
	p.must(p.expect(want).ToBeVisible())
	p.must(p.WaitForLoadState(playwright.PageWaitForLoadStateOptions{State: playwright.LoadStateNetworkidle}))
}
