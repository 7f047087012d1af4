package tencent

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// UserSigTTL must be at least 2 s: 2 s is accepted, anything less is not.
func TestUserSigTTLFloor(t *testing.T) {
	for _, tc := range []struct {
		ttl time.Duration
		ok  bool
	}{{time.Second, false}, {2*time.Second - time.Millisecond, false}, {2 * time.Second, true}, {3 * time.Second, true}} {
		_, err := New(Config{SDKAppID: 1, SecretKey: "k", UserSigTTL: tc.ttl})
		if (err == nil) != tc.ok {
			t.Errorf("UserSigTTL %v: err %v, want ok=%v", tc.ttl, err, tc.ok)
		}
	}
}

// An answer of exactly maxBody bytes is read whole; one byte more is
// refused as too large rather than read truncated.
func TestAnswerSizeLimit(t *testing.T) {
	body := func(size int) string {
		b := okBody(`{"RoomInfo":{"RoomId":"r1"}}`)
		return b[:len(b)-1] + strings.Repeat(" ", size-len(b)) + "}"
	}
	at, over := body(maxBody), body(maxBody+1)
	if len(at) != maxBody || len(over) != maxBody+1 {
		t.Fatalf("bodies of %d and %d bytes", len(at), len(over))
	}
	f := newFake(t, script(reply{body: at}, reply{body: over}))
	c := f.client(t, func(c *Config) { c.MaxAttempts = 1 })
	if r, _, err := c.GetRoomInfo(t.Context(), "r1"); err != nil || r.RoomId != "r1" {
		t.Errorf("answer of exactly %d bytes: %+v, %v", maxBody, r, err)
	}
	_, _, err := c.GetRoomInfo(t.Context(), "r1")
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("answer of %d bytes: err %v, want ErrBadResponse for its size", maxBody+1, err)
	}
}

// scalarText refuses an empty or blank value like any other non-scalar,
// with an error rather than a panic.
func TestScalarTextRefusesNothing(t *testing.T) {
	for _, b := range []string{"", " ", "\n\t"} {
		if s, err := scalarText([]byte(b)); err == nil {
			t.Errorf("scalarText(%q) = %q, want an error", b, s)
		}
	}
}
