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

const pw = "correct horse battery"

func TestAuthenticate(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		alice := e.mustCreate(t, "Alice", pw, RoleOperator)
		bob := e.mustCreate(t, "bob", pw, RoleViewer)

		u, err := e.svc.Authenticate(ctx, audit.Actor{IP: "203.0.113.5", UserAgent: "Firefox"}, " ALICE ", pw)
		if err != nil || u.ID != alice.ID || u.Username != "alice" || u.Role != RoleOperator {
			t.Fatalf("login: %+v %v", u, err)
		}
		got := e.audit.last(t)
		if got.Action != audit.ActionLogin || got.Outcome != audit.OutcomeOK || got.Actor != "alice" ||
			got.ActorRole != "operator" || got.ClientIP != "203.0.113.5" || got.UserAgent != "Firefox" || got.Kind != audit.KindEvent {
			t.Errorf("login audit: %+v", got)
		}

		if err := e.svc.SetDisabled(ctx, cliAdmin, bob.ID, true); err != nil {
			t.Fatal(err)
		}
		// Wrong password, unknown user and disabled user look the same to
		// the caller; only the audit row says which.
		cases := []struct{ user, pass, detail string }{
			{"alice", "wrong password!", "wrong password"},
			{"mallory", pw, "unknown user"},
			{"bob", pw, "user disabled"},
		}
		for _, tc := range cases {
			_, err := e.svc.Authenticate(ctx, audit.Actor{IP: "203.0.113.5", UserAgent: "curl"}, tc.user, tc.pass)
			if err != ErrInvalidCredentials {
				t.Errorf("%s: got %v, want exactly ErrInvalidCredentials", tc.user, err)
			}
			got := e.audit.last(t)
			if got.Action != audit.ActionLoginFailed || got.Outcome != audit.OutcomeDenied ||
				got.Detail != tc.detail || got.Actor != tc.user || got.ClientIP != "203.0.113.5" || got.UserAgent != "curl" {
				t.Errorf("%s: audit %+v", tc.user, got)
			}
		}
	})
}

func TestThrottleAndLock(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		e.mustCreate(t, "alice", pw, RoleOperator)
		// Each guess comes from a different address, so only the
		// per-username counter is in play.
		ip := func(i int) string { return "198.51.100." + string(rune('a'+i)) }
		fail := func(i int) error {
			_, err := e.svc.Authenticate(ctx, audit.Actor{IP: ip(i), UserAgent: "ua"}, "alice", "not the password")
			return err
		}
		for i := range 3 {
			if err := fail(i); err != ErrInvalidCredentials {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		// After 3 failures the next attempt must wait 1s, then 2s, 4s...
		// and a throttled attempt is refused without checking the password.
		var re *LockedError
		wantWait := time.Second
		for i := 3; i < 9; i++ {
			_, err := e.svc.Authenticate(ctx, audit.Actor{IP: ip(i), UserAgent: "ua"}, "alice", pw)
			if !errors.As(err, &re) || !errors.Is(err, ErrThrottled) || re.RetryAfter != wantWait {
				t.Fatalf("attempt %d: %v, want throttled for %s", i+1, err, wantWait)
			}
			e.clock.Add(re.RetryAfter)
			if err := fail(i); err != ErrInvalidCredentials {
				t.Fatalf("failure %d: %v", i+1, err)
			}
			wantWait = min(2*wantWait, 30*time.Second)
		}
		e.clock.Add(30 * time.Second)
		// The 10th failure locks the username for 15 minutes.
		if err := fail(9); !errors.As(err, &re) || !errors.Is(err, ErrLocked) || re.RetryAfter != 15*time.Minute {
			t.Fatalf("10th failure: %v, want locked", err)
		}
		if got := e.audit.last(t); got.Action != audit.ActionLoginLocked || got.Actor != "alice" {
			t.Errorf("lock audit: %+v", got)
		}
		audited := len(e.audit.actions())
		// Even the right password is refused while locked, and not audited.
		e.clock.Add(14 * time.Minute)
		if _, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}, "alice", pw); !errors.As(err, &re) ||
			!errors.Is(err, ErrLocked) || re.RetryAfter != time.Minute {
			t.Fatalf("during lock: %v", err)
		}
		if n := len(e.audit.actions()); n != audited {
			t.Errorf("refusal during lock audited (%d rows, was %d)", n, audited)
		}
		// Once the lock has passed the right password works and wipes the
		// username's failures: the next typo is not throttled.
		e.clock.Add(time.Minute)
		if _, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}, "alice", pw); err != nil {
			t.Fatalf("after lock: %v", err)
		}
		for i := range 3 {
			if err := fail(i); err != ErrInvalidCredentials {
				t.Fatalf("typo %d after success: %v", i+1, err)
			}
		}
	})
}

func TestThrottleByIPAndUnknownUsers(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{Throttle: Throttle{IP: Limits{SlowAfter: 2, LockAfter: 3}}})
		ctx := context.Background()
		e.mustCreate(t, "alice", pw, RoleOperator)
		// Spraying different (unknown) usernames from one address: the
		// address counter slows and then locks it, exactly as for real users.
		if _, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.9", UserAgent: "ua"}, "nobody1", pw); err != ErrInvalidCredentials {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.9", UserAgent: "ua"}, "alice", "wrong wrong"); err != ErrInvalidCredentials {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.9", UserAgent: "ua"}, "nobody3", pw); !errors.Is(err, ErrThrottled) {
			t.Fatalf("third from the address: %v, want throttled", err)
		}
		e.clock.Add(time.Second)
		_, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.9", UserAgent: "ua"}, "nobody3", pw)
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("want address locked: %v", err)
		}
		if got := e.audit.last(t); got.Action != audit.ActionLoginLocked || got.Detail != "too many failed logins for this ip; locked for 15m0s" {
			t.Errorf("lock audit: %+v", got)
		}
		// A locked address does not lock the user out from elsewhere, and a
		// success elsewhere does not unlock the address.
		if _, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.10", UserAgent: "ua"}, "alice", pw); err != nil {
			t.Fatalf("other address: %v", err)
		}
		if _, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.9", UserAgent: "ua"}, "alice", pw); !errors.Is(err, ErrLocked) {
			t.Fatalf("locked address let in: %v", err)
		}
		e.clock.Add(15 * time.Minute)
		if _, err := e.svc.Authenticate(ctx, audit.Actor{IP: "192.0.2.9", UserAgent: "ua"}, "alice", pw); err != nil {
			t.Fatalf("after lock: %v", err)
		}
	})
}

func TestLoginFailsClosedWhenAuditFails(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		e.mustCreate(t, "alice", pw, RoleOperator)
		e.audit.fail = errors.New("disk full")
		if _, err := e.svc.Authenticate(context.Background(), audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}, "alice", pw); err == nil {
			t.Fatal("login succeeded without its audit row")
		}
	})
}

func TestRehashOnLogin(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		u := e.mustCreate(t, "alice", pw, RoleOperator)
		sid, err := e.svc.CreateSession(ctx, u, audit.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		stronger := HashParams{Memory: 128, Time: 2, Threads: 1}
		svc2 := NewService(e.db, e.audit, Options{Now: e.clock.Now, Hash: stronger})
		e.clock.Add(time.Second)
		if _, err := svc2.Authenticate(ctx, audit.Actor{}, "alice", pw); err != nil {
			t.Fatal(err)
		}
		_, hash, err := svc2.userWithHash(ctx, "alice")
		if err != nil || !strings.HasPrefix(hash, "$argon2id$v=19$m=128,t=2,p=1$") {
			t.Errorf("not upgraded: %s %v", hash, err)
		}
		if _, _, err := svc2.Session(ctx, sid); err != nil {
			t.Errorf("rehash ended a session: %v", err)
		}
	})
}
