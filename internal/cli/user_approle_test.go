package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/db"
)

// testApps are the configured apps the user commands are given in tests.
var testApps = []string{"prod-cn", "prod-sg"}

func TestUserAppRoleCommand(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newUserEnv(t, d)
		ctx := context.Background()
		run := func(args ...string) (string, error) {
			var out, errOut bytes.Buffer
			err := userCommand(ctx, e.svc, testApps, args, strings.NewReader(""), &out, &errOut)
			return out.String(), err
		}
		u, err := e.svc.Create(ctx, audit.Actor{Name: "cli:test", Role: string(auth.RoleAdmin)}, "carol", "a long enough password", auth.RoleViewer)
		if err != nil {
			t.Fatal(err)
		}

		out, err := run("app-role", "Carol", "prod-cn", "operator")
		if err != nil || out != "carol now has operator in prod-cn\n" {
			t.Fatalf("app-role operator: %q %v", out, err)
		}
		got := e.last(t)
		if got.Action != audit.ActionUserAppRole || got.App != "prod-cn" || got.Outcome != audit.OutcomeOK ||
			got.Detail != "user=carol app=prod-cn role=operator" ||
			!strings.HasPrefix(got.Actor, "cli:") || got.ActorRole != "admin" {
			t.Errorf("audited %+v", got)
		}
		if r, err := e.svc.RoleIn(ctx, u, "prod-cn"); err != nil || r != auth.RoleOperator {
			t.Errorf("role in prod-cn: %v %v", r, err)
		}
		if _, err := run("app-role", "carol", "prod-sg", "none"); err != nil {
			t.Fatal(err)
		}
		out, err = run("list")
		if err != nil || !strings.Contains(out, "APP ROLES") || !strings.Contains(out, "prod-cn=operator prod-sg=none") {
			t.Errorf("list with app roles:\n%s %v", out, err)
		}

		out, err = run("app-role", "carol", "prod-cn", "default")
		if err != nil || out != "carol now has the global role (viewer) in prod-cn\n" {
			t.Fatalf("app-role default: %q %v", out, err)
		}
		if got := e.last(t); got.Action != audit.ActionUserAppRole || got.App != "prod-cn" ||
			got.Detail != "user=carol app=prod-cn role=global (viewer)" {
			t.Errorf("audited %+v", got)
		}
		if r, _ := e.svc.RoleIn(ctx, u, "prod-cn"); r != auth.RoleViewer {
			t.Errorf("role in prod-cn after default: %v", r)
		}
		if r, _ := e.svc.RoleIn(ctx, u, "prod-sg"); r != auth.RoleNone {
			t.Errorf("role in prod-sg: %v", r)
		}
		out, _ = run("list")
		if !strings.Contains(out, " prod-sg=none") || strings.Contains(out, "prod-cn=") {
			t.Errorf("list after default:\n%s", out)
		}
		want := []string{audit.ActionUserCreate, audit.ActionUserAppRole, audit.ActionUserAppRole, audit.ActionUserAppRole}
		if got := e.actions(t); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("audited %v\nwant %v", got, want)
		}
	})
}

func TestUserAppRoleCommandErrors(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newUserEnv(t, d)
		if _, err := e.svc.Create(context.Background(), audit.Actor{Name: "cli:test", Role: string(auth.RoleAdmin)}, "carol", "a long enough password", auth.RoleViewer); err != nil {
			t.Fatal(err)
		}
		before := len(e.entries(t))
		cases := []struct {
			name  string
			args  []string
			want  string
			usage bool
		}{
			{"no args", []string{"app-role"}, "app-role needs a username, an app and a role", true},
			{"no role", []string{"app-role", "carol", "prod-cn"}, "app-role needs a username, an app and a role", true},
			{"extra", []string{"app-role", "carol", "prod-cn", "viewer", "x"}, "app-role needs a username, an app and a role", true},
			{"unknown user", []string{"app-role", "zed", "prod-cn", "viewer"}, `no user named "zed"`, false},
			{"unknown app", []string{"app-role", "carol", "prod-us", "viewer"}, `no app "prod-us" is configured (apps: prod-cn, prod-sg)`, false},
			{"admin is global", []string{"app-role", "carol", "prod-cn", "admin"}, `role "admin" is not none, viewer, operator or default`, false},
			{"empty role", []string{"app-role", "carol", "prod-cn", ""}, `role "" is not none, viewer, operator or default`, false},
			{"bad role", []string{"app-role", "carol", "prod-cn", "root"}, `role "root" is not`, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var out, errOut bytes.Buffer
				err := userCommand(context.Background(), e.svc, testApps, tc.args, strings.NewReader(""), &out, &errOut)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want %q", err, tc.want)
				}
				if errors.Is(err, errUsage) != tc.usage || strings.Contains(errOut.String(), "usage:") != tc.usage {
					t.Errorf("usage error %v, usage printed %q", errors.Is(err, errUsage), errOut.String())
				}
				if out.Len() != 0 {
					t.Errorf("printed %q on failure", out.String())
				}
			})
		}
		u, _ := e.svc.ByUsername(context.Background(), "carol")
		if roles, err := e.svc.AppRoles(context.Background(), u.ID); err != nil || len(roles) != 0 {
			t.Errorf("a refused app-role changed roles: %v %v", roles, err)
		}
		if n := len(e.entries(t)); n != before {
			t.Errorf("refusals audited %d entries", n-before)
		}
	})
}
