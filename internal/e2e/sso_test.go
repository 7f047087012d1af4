package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth/oidctest"
	"github.com/roomdesk/roomdesk/views/components"
)

// TestSSOGroupsToRoles signs in through a real OpenID Provider (zitadel's
// op, in oidctest) in Chromium: a member of the operators group edits a
// room; a user in no mapped group is refused with a page saying why; once
// the operator is moved to the viewers group at the provider, their next
// sign-in gives viewer rights. Sign-out ends the provider's session too.
func TestSSOGroupsToRoles(t *testing.T) {
	skipShort(t)
	op := oidctest.Start(t)
	senv := apptest.New(t, apptest.Options{Environ: op.Environ(t, t.TempDir(), apptest.URLPlaceholder)})
	op.Register(senv.URL)
	const pw = "provider password 1"
	op.AddUser("olga", pw, "olga@example.com", "roomdesk-operators")
	op.AddUser("nadia", pw, "nadia@example.com", "contractors")

	// The operator: sign in with the provider, edit a room.
	p := newPage(t)
	ssoSignIn(p, senv, op, "olga", pw)
	p.must(p.WaitForURL(senv.URL + "/rooms**"))
	id, err := p.byTestID("room-row").First().GetAttribute("data-room-id")
	p.must(err)
	_, err = p.Goto(senv.URL + components.RoomURL(id))
	p.must(err)
	name := "Renamed through SSO ✓"
	p.must(p.field("Room name").Fill(name))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	if r, ok := senv.Emulator.Room(id); !ok || r.RoomName != name {
		t.Errorf("room %s at Tencent: %q, want %q", id, r.RoomName, name)
	}
	last := lastAudit(t, senv, audit.ActionSSOLogin)
	if last.Actor != "olga" || last.ActorRole != "operator" {
		t.Errorf("sso_login entry %+v", last)
	}

	// Sign-out ends the session here and at the provider (RP-initiated
	// logout), which sends the browser back to the sign-in page.
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign out"}).Click())
	p.must(p.WaitForURL(senv.URL + "/login?signed_out=1"))
	if op.Logouts() != 1 {
		t.Errorf("end-session requests at the provider: %d, want 1", op.Logouts())
	}

	// A user in no mapped group is refused, and told why.
	q := newPage(t)
	q.expectStatus(403)
	ssoSignIn(q, senv, op, "nadia", pw)
	refused := q.byTestID("sso-refused")
	q.must(q.expect(refused).ToHaveAttribute("data-kind", "group"))
	q.must(q.expect(refused).ToContainText("in no group that gives access to roomdesk"))
	if e := lastAudit(t, senv, audit.ActionSSORefused); !strings.Contains(e.Detail, `(groups: ["contractors"])`) {
		t.Errorf("sso_refused entry %q", e.Detail)
	}
	_, err = q.Goto(senv.URL + "/rooms")
	q.must(err)
	q.must(q.WaitForURL(regexp.MustCompile(`/login\?next=`)))

	// Moved to the viewers group: the next sign-in gives viewer rights,
	// so the room shows read-only.
	op.SetGroups("olga", "roomdesk-viewers")
	v := newPage(t)
	ssoSignIn(v, senv, op, "olga", pw)
	v.must(v.WaitForURL(senv.URL + "/rooms**"))
	_, err = v.Goto(senv.URL + components.RoomURL(id))
	v.must(err)
	v.must(v.expect(v.byTestID("room-readonly")).ToBeVisible())
	v.must(v.expect(v.byTestID("room-form")).ToHaveCount(0))
	if e := lastAudit(t, senv, audit.ActionUserSSORole); e.Detail != "user=olga role=viewer was=operator (provider groups)" {
		t.Errorf("user.sso_role entry %q", e.Detail)
	}
}

// ssoSignIn presses "Sign in with Test IdP" and signs in at the provider's
// own page, as a person would.
func ssoSignIn(p *page, senv *apptest.Env, op *oidctest.OP, username, password string) {
	p.t.Helper()
	_, err := p.Goto(senv.URL + "/login")
	p.must(err)
	p.must(p.button("Sign in with Test IdP").Click())
	p.must(p.WaitForURL(op.Issuer + "/login**"))
	p.must(p.field("Username").Fill(username))
	p.must(p.field("Password").Fill(password))
	p.must(p.button("Sign in to the provider").Click())
	p.must(p.WaitForURL(senv.URL + "/**"))
}

func lastAudit(t *testing.T, e *apptest.Env, action string) audit.Entry {
	t.Helper()
	page, err := e.Audit.List(t.Context(), audit.Filter{Action: action}, 0, 1)
	if err != nil || len(page.Records) == 0 {
		t.Fatalf("no %s entry (%v)", action, err)
	}
	return page.Records[0].Entry
}
