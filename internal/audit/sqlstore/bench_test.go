package sqlstore_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// TestListLatency fills ROOMDESK_AUDIT_BENCH_ROWS rows (e.g. 1000000) and
// reports the first and a deep page of each filter. Off by default: the fill
// takes minutes.
func TestListLatency(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ROOMDESK_AUDIT_BENCH_ROWS"))
	if n == 0 {
		t.Skip("set ROOMDESK_AUDIT_BENCH_ROWS to run")
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n/2) * time.Second)
	filters := map[string]audit.Filter{
		"none":         {},
		"room":         {RoomID: "room-7"},
		"actor":        {Actor: "bob"},
		"action":       {Action: audit.ActionLogin},
		"outcome ok":   {Outcome: audit.OutcomeOK},
		"unknown":      {Outcome: audit.OutcomeUnknown},
		"request":      {RequestID: "req-500"},
		"time":         {From: from, To: from.Add(time.Hour)},
		"room+time":    {RoomID: "room-7", From: from},
		"room+outcome": {RoomID: "room-7", Outcome: audit.OutcomeOK},
	}
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s := sqlstore.New(dbtest.Open(t, d))
			start := time.Now()
			fill(t, s, n, "body")
			t.Logf("filled %d rows in %v", n, time.Since(start))
			ctx := context.Background()
			for name, f := range filters {
				for _, before := range []int64{0, 1000} {
					best := time.Hour
					var got int
					for range 5 {
						st := time.Now()
						p, err := s.List(ctx, f, before, 50)
						if err != nil {
							t.Fatal(err)
						}
						best, got = min(best, time.Since(st)), len(p.Records)
					}
					t.Logf("%-13s before=%-5d %3d records  %v", name, before, got, best)
				}
			}
		})
	}
}
