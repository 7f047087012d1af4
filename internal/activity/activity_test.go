package activity

import (
	"context"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// TestSummary writes edits with known outcomes at known times and reads
// them back bucketed, on both dialects.
func TestSummary(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 30, 0, 0, time.UTC)
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			conn := dbtest.Open(t, d)
			log := sqlstore.New(conn)
			ctx := context.Background()
			edit := func(at time.Time, actor, room, outcome string, code int) {
				t.Helper()
				in := audit.Entry{Time: at, Kind: audit.KindIntent, Actor: actor, Action: audit.ActionRoomUpdate, RoomID: room, App: "cn"}
				if err := log.Append(ctx, &in); err != nil {
					t.Fatal(err)
				}
				if outcome == "" {
					return // no result: unknown
				}
				res := audit.Entry{Time: at.Add(time.Second), Kind: audit.KindResult, IntentSeq: in.Seq, Actor: actor,
					Action: audit.ActionRoomUpdate, RoomID: room, App: "cn", Outcome: outcome, ErrorCode: code}
				if err := log.Append(ctx, &res); err != nil {
					t.Fatal(err)
				}
			}
			edit(now.Add(-8*24*time.Hour), "old", "r0", audit.OutcomeOK, 0) // outside the week
			edit(now.Add(-50*time.Hour), "bob", "r1", audit.OutcomeFailed, 100004)
			edit(now.Add(-3*time.Hour), "ada", "r2", audit.OutcomeOK, 0)
			edit(now.Add(-10*time.Minute), "ada", "r2", audit.OutcomeOK, 0)
			edit(now.Add(-5*time.Minute), "ada", "r3", audit.OutcomeFailed, 100004)
			edit(now.Add(-time.Minute), "bob", "r4", "", 0)
			ev := audit.Entry{Time: now, Kind: audit.KindEvent, Actor: "ada", Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
			if err := log.Append(ctx, &ev); err != nil {
				t.Fatal(err)
			}
			s, err := New(conn).Summary(ctx, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Hours) != 168 || !s.Hours[167].Start.Equal(now.Truncate(time.Hour)) {
				t.Fatalf("hours: %d, last %v", len(s.Hours), s.Hours[167].Start)
			}
			total := 0
			for _, h := range s.Hours {
				total += h.Edits
			}
			if h := s.Hours[167]; h.Edits != 3 || h.OK != 1 || s.Hours[164].Edits != 1 || s.Hours[117].Edits != 1 || total != 5 {
				t.Errorf("buckets: last %+v, -3h %+v, -50h %+v, total %d", h, s.Hours[164], s.Hours[117], total)
			}
			if len(s.Failures) != 1 || s.Failures[0] != (Failure{Code: 100004, Count: 2}) {
				t.Errorf("failures %+v", s.Failures)
			}
			if s.Unknown != 1 {
				t.Errorf("unknown %d", s.Unknown)
			}
			if len(s.Operators) != 2 || s.Operators[0] != (Operator{"ada", 3}) || s.Operators[1] != (Operator{"bob", 2}) {
				t.Errorf("operators %+v", s.Operators)
			}
			if len(s.Rooms) != 1 || s.Rooms[0].ID != "r2" || s.Rooms[0].Changes != 2 || s.Rooms[0].App != "cn" {
				t.Errorf("rooms today %+v", s.Rooms)
			}
			// "Today" is the viewer's day: in Los Angeles it began at
			// 08:00 UTC, after r2's first change (07:30 UTC).
			la, err := time.LoadLocation("America/Los_Angeles")
			if err != nil {
				t.Fatal(err)
			}
			s, err = New(conn).Summary(ctx, now.In(la))
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Rooms) != 1 || s.Rooms[0].ID != "r2" || s.Rooms[0].Changes != 1 || !s.Now.Equal(now) {
				t.Errorf("rooms today in Los Angeles %+v", s.Rooms)
			}
		})
	}
}
