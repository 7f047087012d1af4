package bulk

import (
	"testing"
	"time"
)

// TestOptionDefaults: a zero or negative option means the default its doc
// comment names (64 workers, 197/s, 3 item attempts, 1 s before a retry,
// a 2 s poll); a positive one is kept. The timing ones cannot be seen in a
// pass/fail test without timing it, so they are read here.
func TestOptionDefaults(t *testing.T) {
	want := Options{Workers: 64, Rate: 197, ItemAttempts: 3, RetryDelay: time.Second, Poll: 2 * time.Second}
	for _, in := range []Options{{}, {Workers: -1, Rate: -1, ItemAttempts: -1, RetryDelay: -1, Poll: -1}} {
		got := New(nil, nil, in).opts
		if got.Workers != want.Workers || got.Rate != want.Rate || got.ItemAttempts != want.ItemAttempts ||
			got.RetryDelay != want.RetryDelay || got.Poll != want.Poll || got.Now == nil || got.Logger == nil {
			t.Errorf("New(%+v) options %+v, want defaults %+v", in, got, want)
		}
	}
	set := Options{Workers: 2, Rate: 50, ItemAttempts: 5, RetryDelay: 3 * time.Millisecond, Poll: 7 * time.Millisecond}
	got := New(nil, nil, set).opts
	if got.Workers != set.Workers || got.Rate != set.Rate || got.ItemAttempts != set.ItemAttempts ||
		got.RetryDelay != set.RetryDelay || got.Poll != set.Poll {
		t.Errorf("New(%+v) options %+v: set values must be kept", set, got)
	}
}
