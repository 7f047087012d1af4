package e2e

import (
	"testing"

	"github.com/roomdesk/roomdesk/internal/auth"
)

// Issue 13: the home page's charts are drawn (server-side SVG, so under the
// strict CSP with no console error) and show the edit just made.
func TestHomeChartsRenderWithData(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1050"
	restoreRoom(t, id)
	p.openRoom(id)
	p.must(p.field("Notice").Fill("Home page chart 图表"))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))

	p.must(p.Locator("a.brand").Click()) // the brand leads home
	for _, chart := range []string{"chart-day", "chart-week"} {
		svg := p.byTestID(chart).Locator("svg")
		p.must(p.expect(svg).ToBeVisible())
		p.must(p.expect(svg).ToHaveAttribute("role", "img"))
		bar := p.byTestID(chart).Locator(`rect:not([data-count="0"])`).Last()
		p.must(p.expect(bar).ToBeVisible())
		box, err := bar.BoundingBox()
		p.must(err)
		if box == nil || box.Height <= 0 || box.Width <= 0 {
			t.Errorf("%s: the bar of this hour is not drawn: %+v", chart, box)
		}
		// The text alternative: the same numbers as a table.
		p.must(p.byTestID(chart).Locator("summary").Click())
		p.must(p.expect(p.byTestID(chart + "-table").Locator("tbody tr").Last()).ToBeVisible())
	}
	p.must(p.expect(p.Locator(`[data-testid=home-room][data-room-id="` + id + `"]`)).ToHaveCount(1))
	p.must(p.Locator(`[data-testid=home-room][data-room-id="` + id + `"] a`).Click())
	p.must(p.expect(p.byTestID("fact-room-id")).ToHaveText(id))
}
