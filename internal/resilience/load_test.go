package resilience

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
)

// TestLoad has 50 operators view and edit rooms for 10 s while 1% of the
// edits meet an injected fault. It asserts behaviour only: no unexpected
// 5xx, every intent has its result (the process never died), what the
// emulator applied agrees with the outcomes recorded, and the chain
// verifies. `make bench` runs the same load for 60 s and reports timings.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load run skipped in -short")
	}
	t.Parallel()
	env := apptest.New(t, apptest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rep, err := RunLoad(ctx, LoadConfig{
		Env: env, Operators: 50, Duration: 10 * time.Second,
		FaultRate: 0.01, Think: 20 * time.Millisecond, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NotImpl {
		t.Fatal("POST /rooms/{id} or GET /rooms/{id} answered 501 Not Implemented")
	}
	t.Logf("%d edits, %d views in %v; statuses %v; faults %v; intents %d %v; applied %d; p50 edit %v",
		rep.Edits, rep.Views, rep.Duration.Round(time.Millisecond), rep.Statuses, rep.Faults,
		rep.Intents, rep.Outcomes, rep.Applied, median(rep.EditTimes))
	for _, p := range rep.Problems() {
		t.Error(p)
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
