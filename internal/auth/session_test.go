package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

func TestSessions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		alice := e.mustCreate(t, "alice", pw, RoleOperator)
		start := e.clock.Now()
		login := func() string {
			t.Helper()
			sid, err := e.svc.CreateSession(ctx, alice, audit.Actor{IP: "203.0.113.5", UserAgent: "Firefox"})
			if err != nil {
				t.Fatal(err)
			}
			return sid
		}
		refused := func(sid, why string) {
			t.Helper()
			if _, _, err := e.svc.Session(ctx, sid); !errors.Is(err, ErrNoSession) || !strings.HasSuffix(err.Error(), why) {
				t.Errorf("want refused (%s), got %v", why, err)
			}
		}

		sid := login()
		if len(sid) != 43 || strings.ContainsAny(sid, "+/=") {
			t.Errorf("session id %q is not 32 bytes of base64url", sid)
		}
		var stored int
		e.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE id_hash = $1`, sid).Scan(&stored)
		if stored != 0 {
			t.Error("raw session id stored in the database")
		}
		u, info, err := e.svc.Session(ctx, sid)
		if err != nil || u.ID != alice.ID || info.IP != "203.0.113.5" || info.UserAgent != "Firefox" ||
			!info.ExpiresAt.Equal(start.Add(8*time.Hour)) || !info.IdleDeadline.Equal(start.Add(30*time.Minute)) {
			t.Fatalf("session: %+v %+v %v", u, info, err)
		}
		refused("AAAA", "malformed id")
		refused(strings.Repeat("A", 43), "unknown id")

		// Activity every 20 minutes keeps it alive; last_seen is written at
		// most once a minute.
		e.clock.Add(30 * time.Second)
		if _, info, _ := e.svc.Session(ctx, sid); !info.LastSeen.Equal(start) {
			t.Errorf("last_seen rewritten within a minute: %v", info.LastSeen)
		}
		for e.clock.Now().Before(start.Add(8*time.Hour - 20*time.Minute)) {
			e.clock.Add(20 * time.Minute)
			if _, _, err := e.svc.Session(ctx, sid); err != nil {
				t.Fatalf("active session refused at %s: %v", e.clock.Now().Sub(start), err)
			}
		}
		// ... but never beyond the absolute 8 hours.
		e.clock.Add(20 * time.Minute)
		refused(sid, "expired")

		// Idle: 30 minutes without a request.
		sid = login()
		e.clock.Add(30 * time.Minute)
		if _, _, err := e.svc.Session(ctx, sid); err != nil {
			t.Fatalf("at exactly the idle timeout: %v", err)
		}
		sid = login()
		e.clock.Add(30*time.Minute + time.Second)
		refused(sid, "idle")

		// Logout revokes and is audited.
		sid = login()
		if err := e.svc.EndSession(ctx, sid, audit.Actor{IP: "203.0.113.5", UserAgent: "Firefox"}); err != nil {
			t.Fatal(err)
		}
		refused(sid, "ended")
		if got := e.audit.last(t); got.Action != audit.ActionLogout || got.Actor != "alice" || got.ClientIP != "203.0.113.5" {
			t.Errorf("logout audit: %+v", got)
		}
		n := len(e.audit.actions())
		if err := e.svc.EndSession(ctx, sid, audit.Actor{}); err != nil || len(e.audit.actions()) != n {
			t.Errorf("second logout: %v, audited again: %v", err, len(e.audit.actions()) != n)
		}
		if err := e.svc.EndSession(ctx, "garbage", audit.Actor{}); err != nil {
			t.Errorf("logout of a garbage id: %v", err)
		}
	})
}

func TestSessionsEndWithUserChanges(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		admin := e.mustCreate(t, "root", pw, RoleAdmin)
		alice := e.mustCreate(t, "alice", pw, RoleOperator)
		actor := ActorFor(admin, audit.Actor{IP: "192.0.2.1", UserAgent: "Chrome"})
		newSession := func() string {
			sid, err := e.svc.CreateSession(ctx, alice, audit.Actor{})
			if err != nil {
				t.Fatal(err)
			}
			return sid
		}
		check := func(sid, why string) {
			t.Helper()
			if _, _, err := e.svc.Session(ctx, sid); !errors.Is(err, ErrNoSession) || !strings.HasSuffix(err.Error(), why) {
				t.Errorf("want refused (%s), got %v", why, err)
			}
		}

		a, b := newSession(), newSession()
		e.clock.Add(time.Second)
		if err := e.svc.SetPassword(ctx, actor, alice.ID, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		check(a, "ended")
		check(b, "ended")
		if got := e.audit.last(t); got.Action != audit.ActionUserPassword || got.Actor != "root" ||
			got.Detail != "user=alice sessions_ended=2" || got.ClientIP != "192.0.2.1" {
			t.Errorf("password audit: %+v", got)
		}

		// A password changed behind the service's back (no revocation)
		// still invalidates older sessions.
		c := newSession()
		e.clock.Add(time.Second)
		e.db.ExecContext(ctx, `UPDATE users SET password_changed_at_us = $1 WHERE id = $2`, e.clock.Now().UnixMicro(), alice.ID)
		check(c, "password changed")

		// Disabling refuses the session at once, even before revocation runs.
		c = newSession()
		e.db.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, true, alice.ID)
		check(c, "user disabled")
		e.db.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, false, alice.ID)
		if err := e.svc.SetDisabled(ctx, actor, alice.ID, true); err != nil {
			t.Fatal(err)
		}
		check(c, "ended")
		if err := e.svc.SetDisabled(ctx, actor, alice.ID, false); err != nil {
			t.Fatal(err)
		}

		// Ending all sessions of a user.
		a, b = newSession(), newSession()
		n, err := e.svc.EndUserSessions(ctx, actor, alice.ID)
		if err != nil || n != 2 {
			t.Fatalf("EndUserSessions: %d %v", n, err)
		}
		check(a, "ended")
		check(b, "ended")
		if got := e.audit.last(t); got.Action != audit.ActionUserSessions || got.Detail != "user=alice sessions_ended=2" {
			t.Errorf("sessions audit: %+v", got)
		}
		if _, err := e.svc.EndUserSessions(ctx, ActorFor(alice, audit.Actor{}), admin.ID); err != ErrForbidden {
			t.Errorf("operator ended an admin's sessions: %v", err)
		}
	})
}

func TestCookieCodecs(t *testing.T) {
	oldKey, newKey := make([]byte, 32), make([]byte, 32)
	newKey[0] = 1
	pairs, err := CookieKeyPairs([][]byte{newKey, oldKey})
	if err != nil || len(pairs) != 4 || len(pairs[0]) != 64 || len(pairs[1]) != 32 {
		t.Fatalf("pairs: %d %v", len(pairs), err)
	}
	if string(pairs[0][:32]) == string(pairs[1]) {
		t.Error("hash and block keys share bytes")
	}
	if _, err := CookieKeyPairs([][]byte{make([]byte, 16)}); err == nil {
		t.Error("short key accepted")
	}
	if _, err := CookieKeyPairs(nil); err == nil {
		t.Error("no keys accepted")
	}

	old, _ := NewCookieCodecs([][]byte{oldKey}, 8*time.Hour)
	rotated, _ := NewCookieCodecs([][]byte{newKey, oldKey}, 8*time.Hour)
	onlyNew, _ := NewCookieCodecs([][]byte{newKey}, 8*time.Hour)
	v, err := securecookie.EncodeMulti("roomdesk", "session-id", old...)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := securecookie.DecodeMulti("roomdesk", v, &got, rotated...); err != nil || got != "session-id" {
		t.Errorf("rotated keys cannot read an old cookie: %v", err)
	}
	if err := securecookie.DecodeMulti("roomdesk", v, &got, onlyNew...); err == nil {
		t.Error("retired key still accepted")
	}
}
