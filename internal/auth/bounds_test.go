package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// phc builds a stored hash of "pw" with the given parameters and lengths,
// so each bound of verifyPassword can be tried at and past its limit.
func phc(m, tm uint32, p uint8, saltLen, keyLen int) string {
	salt := []byte(strings.Repeat("s", saltLen))
	key := argon2.IDKey([]byte("pw"), salt, tm, m, p, uint32(keyLen))
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", m, tm, p,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// TestVerifyPasswordBounds: a stored hash is read at each of its limits and
// refused one past it (the memory ceiling is not tried at 1 GiB).
func TestVerifyPasswordBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		hash string
		ok   bool
	}{
		{"memory 8 KiB", phc(8, 1, 1, 16, 32), true},
		{"memory 7 KiB", strings.Replace(phc(8, 1, 1, 16, 32), "m=8,", "m=7,", 1), false},
		{"memory past 1 GiB", strings.Replace(phc(8, 1, 1, 16, 32), "m=8,", "m=1048577,", 1), false},
		{"1 pass", phc(8, 1, 1, 16, 32), true},
		{"0 passes", strings.Replace(phc(8, 1, 1, 16, 32), "t=1,", "t=0,", 1), false},
		{"16 passes", phc(8, 16, 1, 16, 32), true},
		{"17 passes", strings.Replace(phc(8, 16, 1, 16, 32), "t=16,", "t=17,", 1), false},
		{"0 lanes", strings.Replace(phc(8, 1, 1, 16, 32), "p=1$", "p=0$", 1), false},
		{"salt 8 bytes", phc(8, 1, 1, 8, 32), true},
		{"salt 7 bytes", phc(8, 1, 1, 7, 32), false},
		{"key 16 bytes", phc(8, 1, 1, 16, 16), true},
		{"key 15 bytes", phc(8, 1, 1, 16, 15), false},
		{"key 64 bytes", phc(8, 1, 1, 16, 64), true},
		{"key 65 bytes", phc(8, 1, 1, 16, 65), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, _, err := verifyPassword("pw", tc.hash, fastHash)
			if tc.ok && (!ok || err != nil) || !tc.ok && !errors.Is(err, errBadHash) {
				t.Errorf("%s: ok=%v err=%v, want accepted %v", tc.hash, ok, err, tc.ok)
			}
		})
	}
}

// TestUsernameBounds: 3 to 32 characters of a-z 0-9 . _ -, each edge of
// each range tried.
func TestUsernameBounds(t *testing.T) {
	for name, ok := range map[string]bool{
		"abc": true, "ab": false, strings.Repeat("a", 32): true, strings.Repeat("a", 33): false,
		"azz": true, "a09": true, "a._-": true,
		"a`b": false, "a{b": false, "a/b": false, "a:b": false, "aAb": false,
	} {
		if err := ValidateUsername(name); (err == nil) != ok {
			t.Errorf("ValidateUsername(%q) = %v, want accepted %v", name, err, ok)
		}
	}
}

// TestSessionTouchedEveryMinute: last_seen is rewritten once a minute has
// passed, not before.
func TestSessionTouchedEveryMinute(t *testing.T) {
	e := newEnv(t, db.SQLite, Options{})
	ctx := context.Background()
	u := e.mustCreate(t, "tina", pw, RoleViewer)
	sid, err := e.svc.CreateSession(ctx, u, audit.Actor{IP: "203.0.113.5"})
	if err != nil {
		t.Fatal(err)
	}
	start := e.clock.Now()
	e.clock.Add(touchEvery - time.Microsecond)
	if _, info, _ := e.svc.Session(ctx, sid); !info.LastSeen.Equal(start) {
		t.Errorf("last_seen rewritten before a minute: %v", info.LastSeen)
	}
	e.clock.Add(time.Microsecond)
	e.svc.Session(ctx, sid)
	if _, info, _ := e.svc.Session(ctx, sid); !info.LastSeen.Equal(start.Add(touchEvery)) {
		t.Errorf("last_seen %v a minute on, want %v", info.LastSeen, start.Add(touchEvery))
	}
}

// TestPasswordLengthBounds: MinPasswordLen characters and MaxPasswordLen
// bytes are both accepted; one fewer or one more is not.
func TestPasswordLengthBounds(t *testing.T) {
	for pw, ok := range map[string]bool{
		strings.Repeat("é", MinPasswordLen): true, strings.Repeat("é", MinPasswordLen-1): false,
		strings.Repeat("x", MaxPasswordLen): true, strings.Repeat("x", MaxPasswordLen+1): false,
	} {
		if err := ValidatePassword(pw); (err == nil) != ok {
			t.Errorf("%d bytes: %v, want accepted %v", len(pw), err, ok)
		}
	}
}
