package e2e

import (
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
)

// Scenario 1: a wrong password shows a message; the right one signs in;
// signing out ends the session, and going back shows no data.
func TestLoginWrongPasswordThenLogout(t *testing.T) {
	p := newPage(t)
	name := user(t, auth.RoleOperator)
	p.expectConsole(`status of 401`) // the failed sign-in answers 401

	p.gotoPath("/rooms")
	p.must(p.WaitForURL("**/login**"))
	p.must(p.GetByLabel("Username").Fill(name))
	p.must(p.GetByLabel("Password").Fill("not the password"))
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"}).Click())
	p.must(p.expect(p.byTestID("login-error")).ToContainText("Wrong username or password"))

	p.must(p.GetByLabel("Password").Fill("correct horse battery"))
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"}).Click())
	p.must(p.WaitForURL("**/rooms**"))
	p.must(p.expect(p.byTestID("whoami")).ToContainText(name))

	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign out"}).Click())
	p.must(p.expect(p.byTestID("login-notice")).ToContainText("signed out"))

	// Back to the room list: the browser must not show it from cache, and
	// the server must not serve it.
	if _, err := p.GoBack(); err != nil {
		t.Fatal(err)
	}
	p.gotoPath("/rooms")
	p.must(p.WaitForURL("**/login**"))
	html, _ := p.Content()
	if strings.Contains(html, "room-row") {
		t.Fatal("room data visible after signing out")
	}
}
