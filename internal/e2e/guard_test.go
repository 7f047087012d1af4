package e2e

import (
	"regexp"
	"sync"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
)

// dialogs answers the page's dialogs (accept or dismiss, as set) and keeps
// what they were.
type dialogs struct {
	mu     sync.Mutex
	accept bool
	seen   []string // "type: message"
}

func (d *dialogs) set(accept bool) { d.mu.Lock(); d.accept = accept; d.mu.Unlock() }

func (d *dialogs) count() int { d.mu.Lock(); defer d.mu.Unlock(); return len(d.seen) }

func (d *dialogs) last() string { d.mu.Lock(); defer d.mu.Unlock(); return d.seen[len(d.seen)-1] }

// Issue 13: leaving a room form with unsaved edits asks first, whether by
// a menu link, Discard, Reload or closing the tab; saying no keeps the
// edit, saying yes leaves. An untouched form never asks.
func TestUnsavedChangesGuard(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1033"
	restoreRoom(t, id)
	var d dialogs
	p.OnDialog(func(dl playwright.Dialog) {
		d.mu.Lock()
		d.seen = append(d.seen, dl.Type()+": "+dl.Message())
		accept := d.accept
		d.mu.Unlock()
		if accept {
			dl.Accept()
		} else {
			dl.Dismiss()
		}
	})
	auditLink := p.Locator("nav.nav a", playwright.PageLocatorOptions{HasText: "Audit log"})
	roomURL := regexp.MustCompile(`/rooms/` + id + `$`)

	// Untouched: the menu leaves without a question.
	p.openRoom(id)
	p.must(auditLink.Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/audit(\?app=[a-z-]+)?$`)))
	if d.count() != 0 {
		t.Fatalf("an untouched form asked: %v", d.seen)
	}

	p.openRoom(id)
	p.must(p.field("Room name").Fill("Unsaved 未保存"))
	for _, leave := range []playwright.Locator{
		auditLink,
		p.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Discard", Exact: playwright.Bool(true)}),
		p.byTestID("reload-room"),
	} {
		n := d.count()
		p.must(leave.Click())
		if d.count() != n+1 {
			t.Fatalf("leaving by %v did not ask", leave)
		}
		p.must(p.expectPage().ToHaveURL(roomURL))
		p.must(p.expect(p.field("Room name")).ToHaveValue("Unsaved 未保存"))
	}
	if got := d.last(); got != "confirm: You have changes that are not saved. Leave this page and lose them?" {
		t.Errorf("dialog %q", got)
	}

	// Closing the tab: the browser's own question (beforeunload).
	n := d.count()
	p.must(p.Close(playwright.PageCloseOptions{RunBeforeUnload: playwright.Bool(true)}))
	p.must(p.expect(p.field("Room name")).ToHaveValue("Unsaved 未保存"))
	if d.count() != n+1 || d.last()[:len("beforeunload")] != "beforeunload" || p.IsClosed() {
		t.Fatalf("closing the tab: dialogs %v, closed %v", d.seen, p.IsClosed())
	}

	// Yes: the menu link leaves, and nothing was sent.
	before := updateCalls()
	d.set(true)
	p.must(auditLink.Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/audit(\?app=[a-z-]+)?$`)))
	expectNothingSent(t, before)
}
