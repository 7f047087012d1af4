package tencent

import "testing"

// A command without a rate of its own (the fallback pacer) shares the
// app's quota among instances like every named command does, and gets it
// back when the instances are reduced to one.
func TestShareDividesTheFallbackRate(t *testing.T) {
	f := newFake(t, script(ok()))
	c := f.client(t, func(c *Config) { c.Rates = nil })
	const other = "get_room_member_list" // not one of the client's commands
	full := c.Rate(other)
	if full != defaultRate {
		t.Fatalf("fallback rate %v, want the default %v", full, float64(defaultRate))
	}
	c.Share(3)
	if got := c.Rate(other); got != full/3 {
		t.Errorf("fallback rate shared by 3: %v, want %v", got, full/3)
	}
	c.Share(1)
	if got := c.Rate(other); got != full {
		t.Errorf("fallback rate back to one instance: %v, want %v", got, full)
	}
}
