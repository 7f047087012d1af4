package tencent

import (
	"errors"
	"testing"
	"time"
)

// TestBackoffStaysInItsStep checks the documented schedule: before retry
// n+1 the client waits between half and all of min(100ms·2^(n-1), 2s)
// ("equal jitter"), never less and never more. The fake clock records
// every wait, so nothing here takes real time. Several calls make a
// jitter that overshoots its step (a wrong half, a wrong range) show up
// on some wait with near certainty, while a correct one never fails.
func TestBackoffStaysInItsStep(t *testing.T) {
	f := newFake(t, script(status(502)))
	c := f.client(t, func(c *Config) { c.MaxAttempts = 8 })
	for range 4 {
		before := len(f.clock.slept())
		if _, err := c.DestroyRoom(t.Context(), "r1"); !errors.Is(err, ErrUnreachable) {
			t.Fatalf("err %v, want ErrUnreachable after 8 attempts", err)
		}
		slept := f.clock.slept()[before:]
		if len(slept) != 7 {
			t.Fatalf("%d waits for 8 attempts, want 7: %v", len(slept), slept)
		}
		for i, d := range slept {
			step := min(100*time.Millisecond<<i, 2*time.Second)
			if d < step/2 || d > step {
				t.Errorf("wait before attempt %d: %v, want %v..%v (all waits %v)", i+2, d, step/2, step, slept)
			}
		}
	}
}
