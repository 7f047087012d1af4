package bulk_test

import (
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/bulk"
)

// The estimate shown before a job starts assumes the client's default pace
// (197 updates/s) unless told another; a zero or negative rate means the
// default, never a division by zero.
func TestEstimatePace(t *testing.T) {
	for _, tc := range []struct {
		rate     float64
		wantRate float64
		rooms    int
		want     time.Duration
	}{
		{0, 197, 394, 2 * time.Second},
		{-5, 197, 394, 2 * time.Second},
		{100, 100, 250, 3 * time.Second}, // 2.5 s, rounded to the second
		{100, 100, 1040, 10 * time.Second},
	} {
		svc := bulk.New(nil, nil, bulk.Options{Rate: tc.rate})
		if got := svc.Rate(); got != tc.wantRate {
			t.Errorf("Rate %v: Rate() = %v, want %v", tc.rate, got, tc.wantRate)
		}
		if got := svc.Estimate(tc.rooms); got != tc.want {
			t.Errorf("Rate %v: Estimate(%d) = %v, want %v", tc.rate, tc.rooms, got, tc.want)
		}
	}
}
