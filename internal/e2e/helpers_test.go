package e2e

import (
	"fmt"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/views/components"
)

// cmdUpdate is the Tencent command every room edit goes through.
const cmdUpdate = "update_room_info"

// exact is the option for a label that must match whole (GetByLabel matches
// substrings by default: "Password" would also find "New password for x").
var exact = playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}

// field is the form control labelled exactly label.
func (p *page) field(label string) playwright.Locator { return p.GetByLabel(label, exact) }

// button is the button named name.
func (p *page) button(name string) playwright.Locator {
	return p.GetByRole("button", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

// expectPage wraps playwright's web-first assertions on the page itself.
func (p *page) expectPage() playwright.PageAssertions {
	return playwright.NewPlaywrightAssertions(expectTimeoutMS).Page(p.Page)
}

// expectStatus allows the console messages an intended 4xx answer to an
// htmx request produces: Chromium's "Failed to load resource" line, and
// htmx's own error log (the layout's responseHandling marks 4xx/5xx swaps
// as errors while still swapping them in).
func (p *page) expectStatus(code int) {
	p.expectConsole(fmt.Sprintf(`status of %d \(|^error: Response Status Error Code %d from /`, code, code))
}

// openRoom goes to a room's page and waits for its edit form.
func (p *page) openRoom(id string) {
	p.t.Helper()
	p.gotoPath(components.RoomURL(id))
	p.must(p.expect(p.byTestID("fact-room-id")).ToHaveText(id))
	p.must(p.expect(p.byTestID("room-form")).ToBeVisible())
}

// submitEdit saves the edit form and waits for htmx's answer to be swapped
// in (whatever it is: result, conflict, problem or field errors).
func (p *page) submitEdit() {
	p.t.Helper()
	_, err := p.ExpectResponse(func(r playwright.Response) bool {
		return r.Request().Method() == "POST"
	}, func() error {
		return p.byTestID("submit").Click()
	})
	p.must(err)
}

// room reads a room from the emulator (what Tencent now holds).
func room(t *testing.T, id string) emulator.Room {
	t.Helper()
	r, ok := env.Emulator.Room(id)
	if !ok {
		t.Fatalf("emulator has no room %q", id)
	}
	return r
}

// updateCalls is how many update_room_info calls reached the emulator.
func updateCalls() int { return env.Emulator.Calls(cmdUpdate) }

// expectNothingSent fails the test when update_room_info was called since
// the count before was taken.
func expectNothingSent(t *testing.T, before int) {
	t.Helper()
	if n := updateCalls() - before; n != 0 {
		t.Errorf("update_room_info was called %d times; nothing should have been sent", n)
	}
}

// injectFaults runs inject (FailNext, DropNext, SetLatency…) and makes sure
// nothing it queued outlives the test: latency is removed, and if the test
// failed before consuming every fault, the emulator is reset so the next
// test does not meet them.
func injectFaults(t *testing.T, inject func(e *emulator.Emulator)) {
	t.Helper()
	inject(env.Emulator)
	t.Cleanup(func() {
		env.Emulator.SetLatency(0)
		if t.Failed() {
			env.Emulator.Reset()
		}
	})
}

// restoreRoom puts the room back as it is now when the test ends.
func restoreRoom(t *testing.T, id string) {
	t.Helper()
	saved := room(t, id)
	t.Cleanup(func() { env.Emulator.PutRoom(saved) })
}
