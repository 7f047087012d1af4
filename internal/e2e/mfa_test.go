package e2e

import (
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
	"github.com/pquerna/otp/totp"

	"github.com/roomdesk/roomdesk/internal/auth"
)

// A user turns on a second factor from the account page (the QR code is
// shown under the strict CSP; the key is read off the page as an app
// would read the QR code), gets recovery codes, signs out, and signs in
// again with a code from the authenticator.
func TestMFAEnrolAndSignIn(t *testing.T) {
	p := newPage(t)
	name := user(t, auth.RoleAdmin)
	p.login(name)

	p.must(p.byTestID("account-link").Click())
	p.must(p.WaitForURL("**/account"))
	qr := p.byTestID("mfa-qr")
	p.must(p.expect(qr).ToBeVisible())
	// The image really decoded: a broken data: URL (or one the CSP
	// blocked) has no natural width.
	ok, err := qr.Evaluate("img => img.complete && img.naturalWidth >= 100", nil)
	if err != nil || ok != true {
		t.Fatalf("QR image not rendered: %v, %v", ok, err)
	}
	secret, err := p.byTestID("mfa-secret").TextContent()
	if err != nil || secret == "" {
		t.Fatalf("secret: %q %v", secret, err)
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p.must(p.GetByLabel("Your password").Fill("correct horse battery")) // re-authentication
	p.must(p.GetByLabel("Code from the app").Fill(code))
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Turn on"}).Click())
	p.must(p.expect(p.byTestID("recovery-codes").Locator("li")).ToHaveCount(10))
	p.must(p.expect(p.byTestID("mfa-status")).ToBeVisible())

	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign out"}).Click())
	p.must(p.expect(p.byTestID("login-notice")).ToContainText("signed out"))

	p.must(p.GetByLabel("Username").Fill(name))
	p.must(p.GetByLabel("Password").Fill("correct horse battery"))
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"}).Click())
	p.must(p.WaitForURL("**/login/mfa**"))
	// The code of the next 30-second step: the server accepts one step
	// either side, and never the step already used to enrol.
	next, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	p.must(p.GetByLabel("Code").Fill(next))
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Continue"}).Click())
	p.must(p.WaitForURL("**/rooms**"))
	p.must(p.expect(p.byTestID("whoami")).ToContainText(name))
}
