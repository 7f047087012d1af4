package sso_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/auth/oidctest"
	"github.com/roomdesk/roomdesk/internal/sso"
)

func TestGroupsGiveRolesAtEverySignIn(t *testing.T) {
	each(t, func(t *testing.T, r *rig) {
		ctx := context.Background()
		sub := r.op.AddUser("alice", password, "alice@example.com", "operators", "sg-ops")
		res, err := r.signIn("alice")
		if err != nil {
			t.Fatal(err)
		}
		u := res.User
		if u.Username != "alice" || u.Role != auth.RoleOperator || !u.FromProvider() || res.Next != "/rooms" {
			t.Fatalf("first sign-in: %+v next %q", u, res.Next)
		}
		if until := time.Until(res.Expiry); until < 50*time.Minute || until > time.Hour+time.Minute {
			t.Errorf("token expiry %v from now, want about the OP's 1h", until)
		}
		if m := r.op.ChallengeMethods(); len(m) != 1 || m[0] != "S256" {
			t.Errorf("PKCE methods sent %v, want [S256]", m)
		}
		if e := r.lastOf(audit.ActionSSOLogin); e.Actor != "alice" || !strings.Contains(e.Detail, "subject="+sub) || !strings.Contains(e.Detail, "groups=operators,sg-ops") {
			t.Errorf("sso_login entry: %+v", e)
		}
		if e := r.lastOf(audit.ActionUserCreate); !strings.Contains(e.Detail, "user=alice role=operator source=oidc") {
			t.Errorf("user.create entry: %+v", e)
		}
		if roles, _ := r.auth.AppRoles(ctx, u.ID); roles["sg"] != auth.RoleOperator || len(roles) != 1 {
			t.Errorf("app roles %v, want sg operator", roles)
		}

		// Moved to viewers and out of sg-ops at the provider: the next
		// sign-in is the same user, with the new role and no app override.
		r.op.SetGroups("alice", "viewers")
		res, err = r.signIn("alice")
		if err != nil {
			t.Fatal(err)
		}
		if res.User.ID != u.ID || res.User.Role != auth.RoleViewer {
			t.Fatalf("after the move: %+v", res.User)
		}
		if roles, _ := r.auth.AppRoles(ctx, u.ID); len(roles) != 0 {
			t.Errorf("app roles after leaving sg-ops: %v", roles)
		}
		if got, _ := r.auth.ByID(ctx, u.ID); got.Role != auth.RoleViewer {
			t.Errorf("stored role %s", got.Role)
		}
		p, err := r.log.List(ctx, audit.Filter{Action: audit.ActionUserSSORole}, 0, 10)
		if err != nil || len(p.Records) != 2 {
			t.Fatalf("user.sso_role entries: %d (%v)", len(p.Records), err)
		}
		var details []string
		for _, rec := range p.Records {
			details = append(details, rec.Entry.App+": "+rec.Entry.Detail)
		}
		want := []string{"sg: user=alice app=sg role=global (viewer) was=operator (provider groups)", ": user=alice role=viewer was=operator (provider groups)"}
		if !slices.Equal(details, want) {
			t.Errorf("user.sso_role entries\n got %q\nwant %q", details, want)
		}
		// The same groups again change nothing and audit no role change.
		if _, err := r.signIn("alice"); err != nil {
			t.Fatal(err)
		}
		if n := r.count(audit.ActionUserSSORole); n != 2 {
			t.Errorf("%d user.sso_role entries after an unchanged sign-in, want 2", n)
		}
	})
}

func TestAppOnlyGroupKeepsOtherApps(t *testing.T) {
	each(t, func(t *testing.T, r *rig) {
		r.op.AddUser("sgop", password, "", "sg-ops")
		res, err := r.signIn("sgop")
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for app, want := range map[string]auth.Role{"sg": auth.RoleOperator, "default": auth.RoleNone} {
			if got, _ := r.auth.RoleIn(ctx, res.User, app); got != want {
				t.Errorf("role in %s: %s, want %s", app, got, want)
			}
		}
	})
}

func TestUserinfoGroups(t *testing.T) {
	each(t, func(t *testing.T, r *rig) {
		r.op.AddClient(oidctest.Client{ID: clientID, Secret: secret, RedirectURIs: []string{redirectURL}, GroupsInUserinfoOnly: true})
		r.op.AddUser("bob", password, "", "admins")
		res, err := r.signIn("bob")
		if err != nil || res.User.Role != auth.RoleAdmin {
			t.Fatalf("groups from userinfo: %+v %v", res.User, err)
		}
	})
}

func TestNameCollisionNeverLinks(t *testing.T) {
	each(t, func(t *testing.T, r *rig) {
		ctx := context.Background()
		admin := audit.Actor{Name: "root", Role: string(auth.RoleAdmin)}
		local, err := r.auth.Create(ctx, admin, "admin", "a long local password 1", auth.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		// Someone picks "admin" as their name at the provider.
		r.op.AddUser("admin", password, "", "viewers")
		res, err := r.signIn("admin")
		if err != nil {
			t.Fatal(err)
		}
		if res.User.ID == local.ID || res.User.Username != "admin-2" || res.User.Role != auth.RoleViewer {
			t.Fatalf("provider user %+v, local admin id %d", res.User, local.ID)
		}
		if got, _ := r.auth.ByID(ctx, local.ID); got.Role != auth.RoleAdmin || got.FromProvider() {
			t.Errorf("local admin changed: %+v", got)
		}
		if e := r.lastOf(audit.ActionUserCreate); !strings.Contains(e.Detail, `name "admin" was taken`) {
			t.Errorf("user.create: %s", e.Detail)
		}
		// Their password does not work here, and an admin cannot set one.
		if _, err := r.auth.Authenticate(ctx, r.actor, "admin-2", password); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("password sign-in of a provider user: %v", err)
		}
		if err := r.auth.SetPassword(ctx, admin, res.User.ID, "a long local password 2"); !errors.Is(err, auth.ErrProviderUser) {
			t.Errorf("SetPassword on a provider user: %v", err)
		}
	})
}

// TestRefusals: every way a sign-in is refused says why, in a *Refusal and
// in an auth.sso_refused audit row, and signs nobody in.
func TestRefusals(t *testing.T) {
	cases := []struct {
		name string
		kind sso.RefusalKind
		want string
		run  func(r *rig) (sso.Result, error)
	}{
		{"tampered state", sso.RefusedState, "bad state: unknown, tampered with or already used", func(r *rig) (sso.Result, error) {
			to, binding := r.begin()
			q := r.atOP(to, "carol")
			q.Set("state", q.Get("state")+"x")
			return r.svc.Finish(context.Background(), q, binding, r.actor)
		}},
		{"no state", sso.RefusedState, "bad state: unknown", func(r *rig) (sso.Result, error) {
			to, binding := r.begin()
			q := r.atOP(to, "carol")
			q.Del("state")
			return r.svc.Finish(context.Background(), q, binding, r.actor)
		}},
		{"another browser", sso.RefusedState, "bad state: the sign-in was started in another browser", func(r *rig) (sso.Result, error) {
			to, _ := r.begin()
			_, otherBinding := r.begin()
			return r.svc.Finish(context.Background(), r.atOP(to, "carol"), otherBinding, r.actor)
		}},
		{"callback replayed", sso.RefusedState, "bad state: unknown, tampered with or already used", func(r *rig) (sso.Result, error) {
			to, binding := r.begin()
			q := r.atOP(to, "carol")
			if _, err := r.svc.Finish(context.Background(), q, binding, r.actor); err != nil {
				r.t.Fatal(err)
			}
			return r.svc.Finish(context.Background(), q, binding, r.actor)
		}},
		{"code replayed with a fresh state", sso.RefusedProvider, "code exchange refused by the provider: invalid_grant", func(r *rig) (sso.Result, error) {
			to, binding := r.begin()
			q := r.atOP(to, "carol")
			if _, err := r.svc.Finish(context.Background(), q, binding, r.actor); err != nil {
				r.t.Fatal(err)
			}
			// An attacker holding the used code starts a sign-in of their
			// own and pastes the code into its callback.
			to2, binding2 := r.begin()
			q2 := r.atOP(to2, "carol")
			q2.Set("code", q.Get("code"))
			return r.svc.Finish(context.Background(), q2, binding2, r.actor)
		}},
		{"flow expired", sso.RefusedState, "bad state: the sign-in took longer than allowed and expired", func(r *rig) (sso.Result, error) {
			to, binding := r.begin()
			q := r.atOP(to, "carol")
			r.skew.Store(int64(sso.DefaultFlowTTL + time.Second))
			return r.svc.Finish(context.Background(), q, binding, r.actor)
		}},
		{"provider error", sso.RefusedProvider, "the provider answered access_denied: user said no", func(r *rig) (sso.Result, error) {
			to, binding := r.begin()
			u, _ := url.Parse(to)
			q := url.Values{"state": {u.Query().Get("state")}, "error": {"access_denied"}, "error_description": {"user said no"}}
			return r.svc.Finish(context.Background(), q, binding, r.actor)
		}},
		{"token for another client", sso.RefusedProvider, "id token: wrong audience", func(r *rig) (sso.Result, error) {
			// A genuine token the OP issued to another client, for the
			// same user and even with this sign-in's nonce, substituted
			// into the token response.
			to, binding := r.begin()
			nonce := mustQuery(r.t, to).Get("nonce")
			other := oidctest.Client{ID: "other-app", Secret: "other secret", RedirectURIs: []string{"https://other.test/cb"}}
			r.op.AddClient(other)
			r.op.SubstituteNextIDToken(r.op.IDTokenFor(r.t, other, "carol", password, nonce))
			return r.svc.Finish(context.Background(), r.atOP(to, "carol"), binding, r.actor)
		}},
		{"code issued to another client", sso.RefusedProvider, "code exchange refused by the provider: invalid_", func(r *rig) (sso.Result, error) {
			to, binding := r.begin()
			q := r.atOP(to, "carol")
			other := oidctest.Client{ID: "other-app", Secret: "other secret", RedirectURIs: []string{"https://other.test/cb"}}
			r.op.AddClient(other)
			q.Set("code", r.op.CodeFor(r.t, other, "carol", password))
			return r.svc.Finish(context.Background(), q, binding, r.actor)
		}},
		{"expired token", sso.RefusedProvider, "id token: expired at", func(r *rig) (sso.Result, error) {
			r.op.SetIDTokenLifetime(-time.Minute)
			return r.signIn("carol")
		}},
		{"no mapped group", sso.RefusedNoGroup, `no group gives a role here (groups: ["contractors"])`, func(r *rig) (sso.Result, error) {
			r.op.SetGroups("carol", "contractors")
			return r.signIn("carol")
		}},
		{"in no group", sso.RefusedNoGroup, "no group gives a role here: the user is in no group", func(r *rig) (sso.Result, error) {
			r.op.SetGroups("carol")
			return r.signIn("carol")
		}},
		{"only a none group", sso.RefusedNoGroup, "no group gives a role here", func(r *rig) (sso.Result, error) {
			r.op.SetGroups("carol", "sg-blocked")
			return r.signIn("carol")
		}},
		{"disabled here", sso.RefusedDisabled, "user carol is disabled here", func(r *rig) (sso.Result, error) {
			res, err := r.signIn("carol")
			if err != nil {
				r.t.Fatal(err)
			}
			if err := r.auth.SetDisabled(context.Background(), audit.Actor{Name: "root", Role: "admin"}, res.User.ID, true); err != nil {
				r.t.Fatal(err)
			}
			return r.signIn("carol")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, r *rig) {
				r.op.AddUser("carol", password, "carol@example.com", "operators")
				res, err := tc.run(r)
				var ref *sso.Refusal
				if !errors.As(err, &ref) || ref.Kind != tc.kind || !strings.Contains(ref.Reason, tc.want) {
					t.Fatalf("got %+v, %v; want a %s refusal %q", res, err, tc.kind, tc.want)
				}
				if res.User.ID != 0 {
					t.Errorf("refused, yet a user came back: %+v", res.User)
				}
				// The refusal is the last thing audited: no sign-in after it.
				p, err := r.log.List(context.Background(), audit.Filter{}, 0, 1)
				if err != nil || len(p.Records) != 1 {
					t.Fatal(err)
				}
				e := p.Records[0].Entry
				if e.Outcome != audit.OutcomeDenied || !strings.Contains(e.Detail, tc.want) || e.ClientIP != "192.0.2.7" {
					t.Errorf("last entry, want the sso_refused: %+v", e)
				}
			})
		})
	}
}

func TestLogoutURL(t *testing.T) {
	r := newRig(t, "sqlite")
	got := r.svc.LogoutURL(context.Background(), r.svc.PostLogoutURL())
	u, err := url.Parse(got)
	if err != nil || !strings.HasPrefix(got, r.op.EndSessionURL()+"?") ||
		u.Query().Get("client_id") != clientID || u.Query().Get("post_logout_redirect_uri") != "https://roomdesk.test/login?signed_out=1" {
		t.Fatalf("logout URL %q", got)
	}
}

func TestRolesFileNamesUnknownApp(t *testing.T) {
	r := newRig(t, "sqlite")
	_ = r
	_, err := sso.New(sso.Options{Config: configWith(map[string]map[string]string{"nope": {"g": "viewer"}}), Apps: []string{"default"}})
	if err == nil || !strings.Contains(err.Error(), `ROOMDESK_OIDC_ROLES_FILE: app "nope" is not one of the apps served`) {
		t.Fatalf("error %v", err)
	}
}
