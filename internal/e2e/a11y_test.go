package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/components"
)

// a11yLanguages are the browser locales the walk runs in, with the
// <html lang> each must give.
var a11yLanguages = []struct{ locale, lang string }{
	{"en-US", "en"}, {"zh-CN", "zh-CN"}, {"ja-JP", "ja"},
}

// TestAccessibilityWalk signs in and walks the main pages in every
// language at desktop and phone width. gotoPath runs axe-core on each page
// (checkA11y), so every page here is checked 3 languages × 2 widths; the
// rest of the suite adds the states its scenarios reach, at 1280 px in
// English. At 390 px no page may scroll sideways.
func TestAccessibilityWalk(t *testing.T) {
	admin := user(t, auth.RoleAdmin)
	for _, l := range a11yLanguages {
		for _, width := range []int{1280, 390} {
			t.Run(fmt.Sprintf("%s_%d", l.lang, width), func(t *testing.T) {
				p := newPageAt(t, width, l.locale)
				p.gotoPath("/login")
				p.must(p.expectPage().ToHaveURL(env.URL + "/login"))
				if got, _ := p.Locator("html").GetAttribute("lang"); got != l.lang {
					t.Fatalf("<html lang> = %q, want %q", got, l.lang)
				}
				p.must(p.Locator("#username").Fill(admin))
				p.must(p.Locator("#password").Fill(apptest.Password))
				p.must(p.Keyboard().Press("Enter"))
				p.must(p.WaitForURL("**/rooms**"))
				for _, path := range []string{
					"/rooms",
					components.RoomURL("live_1048"),
					components.RoomURL("live_1048") + "/history",
					"/bulk",
					"/requests",
					"/audit",
					"/audit?action=no.such&outcome=bogus",
					"/admin/users",
					"/admin/policy",
					"/account",
				} {
					if path == "/audit?action=no.such&outcome=bogus" {
						p.expectStatus(http.StatusUnprocessableEntity)
					}
					p.gotoPath(path)
					if width == 390 {
						p.fitsPhone(path)
					}
				}
				p.expectStatus(http.StatusNotFound)
				p.gotoPath("/no/such/page")
			})
		}
	}
}

// fitsPhone fails the test when the page scrolls sideways at phone width.
func (p *page) fitsPhone(path string) {
	p.t.Helper()
	w, err := p.Evaluate(`() => document.documentElement.scrollWidth`)
	p.must(err)
	if n, ok := w.(int); !ok || n > 390 {
		wide, _ := p.Evaluate(`() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/\s+/).join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px').join(', ')`)
		p.t.Errorf("%s is %v px wide at a 390 px viewport (page-level horizontal scroll); too wide: %v", path, w, wide)
	}
}
