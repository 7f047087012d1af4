package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// TestUsersRoleChange: an admin demotes an operator; the operator's open
// session stops at once and their next sign-in has the viewer's rights.
// The users page shows each user's last sign-in and sessions.
func TestUsersRoleChange(t *testing.T) {
	e := newUsersEnv(t)
	e.CreateUser(t, "bob", auth.RoleOperator)
	bob := e.Login(t, "bob")
	if r := bob.Get("/bulk"); r.StatusCode != http.StatusOK {
		t.Fatalf("operator bulk page: %d", r.StatusCode)
	}
	r, d := e.post(t, "/"+e.id(t, "bob")+"/role", url.Values{"role": {"root"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(flashText(d), "viewer, operator or admin") {
		t.Fatalf("bad role: %d %q", r.StatusCode, flashText(d))
	}
	r, d = e.post(t, "/"+e.id(t, "bob")+"/role", url.Values{"role": {"viewer"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(flashText(d), "bob is now viewer") {
		t.Fatalf("demote: %d %q", r.StatusCode, flashText(d))
	}
	if got := userRow(d, "bob").Find(`[data-testid="user-role"]`).Text(); got != "viewer" {
		t.Errorf("role shown %q", got)
	}
	if r := bob.Get("/bulk"); r.StatusCode == http.StatusOK {
		t.Fatalf("the demoted session still opens the bulk page")
	}
	bob = e.Login(t, "bob")
	if r := bob.Get("/bulk"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer bulk page: %d", r.StatusCode)
	}
	recs, _ := e.Audit.List(t.Context(), audit.Filter{Action: audit.ActionUserRole}, 0, 5)
	if len(recs.Records) != 1 || !strings.Contains(recs.Records[0].Entry.Detail, "role=operator→viewer") {
		t.Errorf("audit: %+v", recs.Records)
	}
	// Own role: refused, unchanged.
	r, d = e.post(t, "/"+e.id(t, "ada")+"/role", url.Values{"role": {"viewer"}})
	if r.StatusCode != http.StatusConflict || userRow(d, "ada").Find(`[data-testid="user-role"]`).Text() != "admin" {
		t.Errorf("own role: %d %q", r.StatusCode, flashText(d))
	}
	page := doc(t, e.admin.Get("/admin/users"))
	row := userRow(page, "bob")
	if strings.TrimSpace(row.Find(`[data-testid="user-last-sign-in"] time`).Text()) == "" ||
		!strings.HasPrefix(strings.TrimSpace(row.Find(`[data-testid="user-sessions"]`).Text()), "1") {
		t.Errorf("bob's activity: %q / %q", row.Find(`[data-testid="user-last-sign-in"]`).Text(), row.Find(`[data-testid="user-sessions"]`).Text())
	}
	e.CreateUser(t, "nina", auth.RoleViewer)
	page = doc(t, e.admin.Get("/admin/users"))
	if got := strings.TrimSpace(userRow(page, "nina").Find(`[data-testid="user-last-sign-in"]`).Text()); got != "never" {
		t.Errorf("never signed in: %q", got)
	}
}
