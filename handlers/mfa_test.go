package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// Finding 8 (second factor): with ROOMDESK_REQUIRE_MFA=admins an admin's
// password alone opens only enrolment; after enrolment, signing in takes a
// code; an operator is not asked.
func TestMFARequiredForAdmins(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	env := apptest.New(t, apptest.Options{Now: clock.Now, RequireMFA: "admins"})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	env.CreateUser(t, "otto", auth.RoleOperator)

	c := env.Client(t)
	r := c.PostForm("/login", url.Values{"username": {"ada"}, "password": {apptest.Password}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account" {
		t.Fatalf("admin password sign-in: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	for _, p := range []string{"/rooms", "/audit", "/admin/users"} {
		if r := c.Get(p); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account" {
			t.Fatalf("%s before enrolment: %d %q", p, r.StatusCode, r.Header.Get("Location"))
		}
	}
	page := c.Get("/account")
	d := doc(t, page)
	src, _ := d.Find(`[data-testid="mfa-qr"]`).Attr("src")
	secret := d.Find(`[data-testid="mfa-secret"]`).Text()
	if !strings.HasPrefix(src, "data:image/png;base64,iVBOR") || secret == "" {
		t.Fatalf("enrolment page: src %.40q secret %q", src, secret)
	}
	if d.Find(`[data-testid="password-change"]`).Length() != 0 {
		t.Error("enrolment stage offers more than enrolment")
	}
	code, _ := totp.GenerateCode(secret, clock.Now())
	r = c.PostForm("/account/mfa", url.Values{"code": {code}})
	if r.StatusCode != http.StatusOK || doc(t, r).Find(`[data-testid="recovery-codes"] li`).Length() != 10 {
		t.Fatalf("confirm enrolment: %v", r)
	}
	if r := c.Get("/admin/users"); r.StatusCode != http.StatusOK {
		t.Fatalf("after enrolment: %d", r.StatusCode)
	}
	recovery := doc(t, r).Find(`[data-testid="recovery-codes"] li`).First().Text()

	// A new sign-in asks for the code.
	c2 := env.Client(t)
	r = c2.PostForm("/login", url.Values{"username": {"ada"}, "password": {apptest.Password}, "next": {"/audit"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/mfa") {
		t.Fatalf("sign-in with MFA: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c2.Get("/audit"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login/mfa" {
		t.Fatalf("password alone opened /audit: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c2.Get("/login/mfa"); r.StatusCode != http.StatusOK || doc(t, r).Find(`input[name="code"]`).Length() != 1 {
		t.Fatalf("the code form, with a password accepted: %v", r)
	}
	if r := c2.PostForm("/login/mfa", url.Values{"code": {"000000"}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", r.StatusCode)
	}
	clock.Add(30 * time.Second)
	code, _ = totp.GenerateCode(secret, clock.Now())
	r = c2.PostForm("/login/mfa", url.Values{"code": {code}, "next": {"/audit"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/audit" {
		t.Fatalf("right code: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c2.Get("/audit"); r.StatusCode != http.StatusOK {
		t.Fatalf("signed in with code: %d", r.StatusCode)
	}
	// A recovery code works too.
	c3 := env.Client(t)
	c3.PostForm("/login", url.Values{"username": {"ada"}, "password": {apptest.Password}})
	if r := c3.PostForm("/login/mfa", url.Values{"code": {recovery}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", r.StatusCode)
	}
	// An operator signs in with the password alone.
	if r := env.Client(t).PostForm("/login", url.Values{"username": {"otto"}, "password": {apptest.Password}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/rooms" {
		t.Fatalf("operator: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	for _, a := range []string{audit.ActionMFAEnrol, audit.ActionMFAUsed} {
		if rows := eventRows(t, env, a); len(rows) == 0 {
			t.Errorf("no %s audit row", a)
		}
	}
	// A lost phone: an admin removes the second factor (here ada's own,
	// which signs her out); an unknown user is a 404.
	ada, _ := env.Auth.ByUsername(t.Context(), "ada")
	if r := c2.PostForm("/admin/users/999999/mfa/reset", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("reset of an unknown user: %d", r.StatusCode)
	}
	r = c2.PostForm("/admin/users/"+strconv.FormatInt(ada.ID, 10)+"/mfa/reset", nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?signed_out=1" {
		t.Errorf("reset of one's own second factor: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if ada, _ = env.Auth.ByUsername(t.Context(), "ada"); ada.MFA {
		t.Error("the second factor is still enrolled after the reset")
	}
}

// Self-service password change through the page: the current password is
// asked, other sessions end, this browser stays signed in.
func TestAccountPasswordChange(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olga", auth.RoleOperator)
	me, other := env.Login(t, "olga"), env.Login(t, "olga")
	r := me.PostForm("/account/password", url.Values{"current": {"wrong one entirely"}, "password": {"a fresh long passphrase"}, "confirm": {"a fresh long passphrase"}})
	if r.StatusCode != http.StatusUnprocessableEntity || testidText(t, r, "pw-error-current") == "" {
		t.Fatalf("wrong current password: %v", r)
	}
	r = me.PostForm("/account/password", url.Values{"current": {apptest.Password}, "password": {"password1234"}, "confirm": {"password1234"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !regexp.MustCompile(`common`).MatchString(testidText(t, r, "pw-error-password")) {
		t.Fatalf("common password: %v", r)
	}
	r = me.PostForm("/account/password", url.Values{"current": {apptest.Password}, "password": {"a fresh long passphrase"}, "confirm": {"a fresh long passphrase"}})
	if r.StatusCode != http.StatusOK || testidText(t, r, "account-notice") == "" {
		t.Fatalf("change: %v", r)
	}
	if r := me.Get("/audit"); r.StatusCode != http.StatusOK {
		t.Fatalf("this browser was signed out: %d", r.StatusCode)
	}
	if r := other.Get("/audit"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the other session survived: %d", r.StatusCode)
	}
}

// ASVS 7.5.1: from a full session, turning a second factor on takes the
// password again.
func TestMFAEnrolFromFullSessionNeedsPassword(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	env := apptest.New(t, apptest.Options{Now: clock.Now})
	env.CreateUser(t, "olga", auth.RoleOperator)
	c := env.Login(t, "olga")
	secret := doc(t, c.Get("/account")).Find(`[data-testid="mfa-secret"]`).Text()
	code, _ := totp.GenerateCode(secret, clock.Now())
	if r := c.PostForm("/account/mfa", url.Values{"code": {code}, "current": {"not my password"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("without the password: %d", r.StatusCode)
	}
	if u, _ := env.Auth.ByUsername(t.Context(), "olga"); u.MFA {
		t.Fatal("enrolled without the password")
	}
	r := c.PostForm("/account/mfa", url.Values{"code": {code}, "current": {apptest.Password}})
	if r.StatusCode != http.StatusOK || doc(t, r).Find(`[data-testid="recovery-codes"] li`).Length() != 10 {
		t.Fatalf("with the password: %v", r)
	}
}
