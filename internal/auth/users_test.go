package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

func TestCreateValidation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		e.mustCreate(t, "Alice.Ops", pw, RoleOperator)
		cases := []struct {
			name, user, pass string
			role             Role
			field, msg       string
		}{
			{"short name", "ab", pw, RoleViewer, "username", "must be 3 to 32 characters"},
			{"long name", strings.Repeat("a", 33), pw, RoleViewer, "username", "must be 3 to 32 characters"},
			{"bad chars", "al ice", pw, RoleViewer, "username", "may contain only letters a-z, digits and . _ -"},
			{"unicode", "alicé", pw, RoleViewer, "username", "may contain only letters a-z, digits and . _ -"},
			{"taken, other case", "ALICE.ops", pw, RoleViewer, "username", "is already taken"},
			{"short password", "carol", "123456789", RoleViewer, "password", "must be at least 12 characters"},
			{"bad role", "carol", pw, "root", "role", `"root" is not viewer, operator or admin`},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.Create(ctx, cliAdmin, tc.user, tc.pass, tc.role)
				var ve *ValidationError
				if !errors.As(err, &ve) || ve.Field != tc.field || ve.Message != tc.msg {
					t.Errorf("got %v, want %s %s", err, tc.field, tc.msg)
				}
			})
		}
		if _, err := e.svc.Create(ctx, audit.Actor{Name: "op", Role: string(RoleOperator)}, "carol", pw, RoleAdmin); err != ErrForbidden {
			t.Errorf("operator created a user: %v", err)
		}
	})
}

func TestUsers(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		root := e.mustCreate(t, "root", pw, RoleAdmin)
		bob := e.mustCreate(t, "bob", pw, RoleViewer)
		if got := e.audit.last(t); got.Action != audit.ActionUserCreate || got.Actor != "cli:test" ||
			got.ActorRole != "admin" || got.Detail != "user=bob role=viewer" || got.Outcome != audit.OutcomeOK {
			t.Errorf("create audit: %+v", got)
		}
		if u, err := e.svc.ByUsername(ctx, "BOB"); err != nil || u.ID != bob.ID || !u.CreatedAt.Equal(e.clock.Now()) {
			t.Errorf("ByUsername: %+v %v", u, err)
		}
		if _, err := e.svc.ByID(ctx, 9999); err != ErrNotFound {
			t.Errorf("ByID unknown: %v", err)
		}
		if _, err := e.svc.ByUsername(ctx, "nobody"); err != ErrNotFound {
			t.Errorf("ByUsername unknown: %v", err)
		}

		actor := ActorFor(root, audit.Actor{IP: "192.0.2.1", UserAgent: "ua"})
		if err := e.svc.SetDisabled(ctx, actor, bob.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetDisabled(ctx, actor, bob.ID, false); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.List(ctx)
		if err != nil || len(list) != 2 || list[0].Username != "bob" || list[1].Username != "root" || list[0].Disabled {
			t.Errorf("list: %+v %v", list, err)
		}
		// Nobody may disable the last enabled admin.
		if err := e.svc.SetDisabled(ctx, actor, root.ID, true); err != ErrLastAdmin {
			t.Errorf("last admin disabled: %v", err)
		}
		if err := e.svc.SetPassword(ctx, actor, bob.ID, "short"); err == nil || err.Error() != "password must be at least 12 characters" {
			t.Errorf("short password: %v", err)
		}
		if err := e.svc.SetPassword(ctx, ActorFor(bob, audit.Actor{}), root.ID, "another long password"); err != ErrForbidden {
			t.Errorf("viewer set a password: %v", err)
		}
		want := []string{audit.ActionUserCreate, audit.ActionUserCreate, audit.ActionUserDisable, audit.ActionUserEnable}
		if got := e.audit.actions(); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("audited %v, want %v", got, want)
		}
	})
}

func TestSetPasswordLiftsLock(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{Throttle: Throttle{User: Limits{SlowAfter: 5, LockAfter: 2}}})
		ctx := context.Background()
		alice := e.mustCreate(t, "alice", pw, RoleOperator)
		for range 2 {
			e.svc.Authenticate(ctx, audit.Actor{}, "alice", "wrong wrong!")
		}
		if _, err := e.svc.Authenticate(ctx, audit.Actor{}, "alice", pw); !errors.Is(err, ErrLocked) {
			t.Fatalf("want locked: %v", err)
		}
		if err := e.svc.SetPassword(ctx, cliAdmin, alice.ID, "a fresh password"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, audit.Actor{}, "alice", "a fresh password"); err != nil {
			t.Errorf("still locked after an admin reset: %v", err)
		}
	})
}

func TestEnsureAdmin(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		if _, _, err := e.svc.EnsureAdmin(ctx, "short"); err == nil {
			t.Error("short admin password accepted")
		}
		created, generated, err := e.svc.EnsureAdmin(ctx, "")
		if err != nil || !created || len(generated) != 20 {
			t.Fatalf("first: %v %q %v", created, generated, err)
		}
		u, err := e.svc.Authenticate(ctx, audit.Actor{}, "admin", generated)
		if err != nil || u.Role != RoleAdmin {
			t.Fatalf("generated password does not log in: %v", err)
		}
		created, generated, err = e.svc.EnsureAdmin(ctx, "some other password")
		if err != nil || created || generated != "" {
			t.Errorf("second: %v %q %v", created, generated, err)
		}
		if got := e.audit.actions(); got[0] != audit.ActionUserCreate {
			t.Errorf("audit: %v", got)
		}

		e2 := newEnv(t, d, Options{})
		created, generated, err = e2.svc.EnsureAdmin(ctx, "chosen password")
		if err != nil || !created || generated != "" {
			t.Fatalf("with password: %v %q %v", created, generated, err)
		}
		if _, err := e2.svc.Authenticate(ctx, audit.Actor{}, "admin", "chosen password"); err != nil {
			t.Error(err)
		}
	})
}
