package auth

import (
	"context"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// TestSetAppRoleReplacesAndClears sets an override, replaces it, and
// removes it, reading the effective role after each step.
func TestSetAppRoleReplacesAndClears(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		u := e.mustCreate(t, "bea", pw, RoleViewer)
		for _, step := range []struct{ set, want Role }{
			{RoleOperator, RoleOperator},
			{RoleViewer, RoleViewer}, // replaces, does not collide with the first
			{RoleNone, RoleNone},
			{"", RoleViewer}, // back to the global role
		} {
			if err := e.svc.SetAppRole(ctx, cliAdmin, u.ID, "prod-cn", step.set); err != nil {
				t.Fatalf("set %q: %v", step.set, err)
			}
			got, err := e.svc.RoleIn(ctx, u, "prod-cn")
			if err != nil || got != step.want {
				t.Fatalf("after set %q: role %q, %v; want %q", step.set, got, err, step.want)
			}
			if other, _ := e.svc.RoleIn(ctx, u, "prod-sg"); other != RoleViewer {
				t.Fatalf("after set %q: another app's role is %q", step.set, other)
			}
		}
		roles, err := e.svc.AppRoles(ctx, u.ID)
		if err != nil || len(roles) != 0 {
			t.Errorf("overrides left after clearing: %v %v", roles, err)
		}
	})
}

// TestRoleInWithTheSessionsUser: a user read with a session knows whether
// it has per-app roles, so RoleIn skips the read when it has none; one set
// later is seen from the next session read, and one the session saw is
// applied.
func TestRoleInWithTheSessionsUser(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		u := e.mustCreate(t, "cai", pw, RoleOperator)
		sid, err := e.svc.CreateSession(ctx, u, audit.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		roleIn := func(app string) Role {
			t.Helper()
			su, _, err := e.svc.Session(ctx, sid)
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.svc.RoleIn(ctx, su, app)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if got := roleIn("prod-cn"); got != RoleOperator {
			t.Fatalf("no override: %q", got)
		}
		if err := e.svc.SetAppRole(ctx, cliAdmin, u.ID, "prod-cn", RoleViewer); err != nil {
			t.Fatal(err)
		}
		if got := roleIn("prod-cn"); got != RoleViewer {
			t.Errorf("override set after the first session read: %q, want viewer", got)
		}
		if got := roleIn("prod-sg"); got != RoleOperator {
			t.Errorf("another app: %q, want the global operator", got)
		}
	})
}
