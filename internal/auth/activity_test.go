package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// TestSetRole changes roles both ways: each change ends the user's
// sessions (so no request runs with the old rights), is audited as
// user.role, and the last admin and one's own role are refused.
func TestSetRole(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		ada := e.mustCreate(t, "ada", pw, RoleAdmin)
		bob := e.mustCreate(t, "bob", pw, RoleOperator)
		adaActor := audit.Actor{Name: "ada", Role: string(RoleAdmin)}
		sid, err := e.svc.CreateSession(ctx, bob, audit.Actor{IP: "192.0.2.4"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetRole(ctx, adaActor, bob.ID, RoleViewer); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Session(ctx, sid); !errors.Is(err, ErrNoSession) {
			t.Errorf("the demoted user's session still works: %v", err)
		}
		if u, _ := e.svc.ByID(ctx, bob.ID); u.Role != RoleViewer {
			t.Errorf("role %s", u.Role)
		}
		if last := e.audit.last(t); last.Action != audit.ActionUserRole || last.Actor != "ada" ||
			last.Detail != "user=bob role=operator→viewer sessions_ended=1" {
			t.Errorf("audit: %+v", last)
		}
		for _, tc := range []struct {
			name  string
			actor audit.Actor
			id    int64
			role  Role
			want  error
		}{
			{"own role", adaActor, ada.ID, RoleViewer, ErrOwnRole},
			{"last admin", audit.Actor{Name: "cli:root", Role: string(RoleAdmin)}, ada.ID, RoleOperator, ErrLastAdmin},
			{"not an admin", audit.Actor{Name: "bob", Role: string(RoleOperator)}, bob.ID, RoleAdmin, ErrForbidden},
		} {
			if err := e.svc.SetRole(ctx, tc.actor, tc.id, tc.role); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
		}
		var ve *ValidationError
		if err := e.svc.SetRole(ctx, adaActor, bob.ID, "root"); !errors.As(err, &ve) {
			t.Errorf("bad role: %v", err)
		}
		if u, _ := e.svc.ByID(ctx, ada.ID); u.Role != RoleAdmin {
			t.Errorf("a refused change changed ada to %s", u.Role)
		}
		// A promotion to admin works once another admin exists.
		if err := e.svc.SetRole(ctx, adaActor, bob.ID, RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.audit.last(t).Detail, "role=viewer→admin") {
			t.Errorf("audit: %+v", e.audit.last(t))
		}
	})
}

// TestActivity: a completed sign-in sets the last sign-in; usable
// sessions are counted, ended and idle ones are not.
func TestActivity(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		u := e.mustCreate(t, "olga", pw, RoleOperator)
		if a, _ := e.svc.Activity(ctx); !a[u.ID].LastSignIn.IsZero() || a[u.ID].Sessions != 0 {
			t.Fatalf("before any sign-in: %+v", a[u.ID])
		}
		if _, err := e.svc.CreateSessionStage(ctx, u, audit.Actor{}, StageMFA); err != nil {
			t.Fatal(err)
		}
		if a, _ := e.svc.Activity(ctx); !a[u.ID].LastSignIn.IsZero() {
			t.Errorf("a half-done sign-in counted: %+v", a[u.ID])
		}
		first := e.clock.Now()
		if _, err := e.svc.CreateSession(ctx, u, audit.Actor{}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
		ended, err := e.svc.CreateSession(ctx, u, audit.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		e.svc.EndSession(ctx, ended, audit.Actor{})
		a, err := e.svc.Activity(ctx)
		if err != nil || a[u.ID].Sessions != 1 || !a[u.ID].LastSignIn.Equal(first.Add(time.Minute)) || !a[u.ID].LastSeen.Equal(first) {
			t.Errorf("activity %+v, %v", a[u.ID], err)
		}
		e.clock.Add(24 * time.Hour) // idle
		if a, _ := e.svc.Activity(ctx); a[u.ID].Sessions != 0 {
			t.Errorf("idle sessions counted: %+v", a[u.ID])
		}
	})
}
