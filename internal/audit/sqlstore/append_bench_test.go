package sqlstore_test

import (
	"context"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// BenchmarkAppend is one interactive edit's worth of audit writes: an intent
// then its result, each its own durable transaction (synchronous=FULL).
func BenchmarkAppend(b *testing.B) {
	s := sqlstore.New(dbtest.Open(b, db.SQLite))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		in := audit.Entry{Kind: audit.KindIntent, Action: audit.ActionRoomUpdate, Actor: "olivia", RoomID: "live_1001",
			RequestBody: `{"RoomInfo":{"RoomId":"live_1001","RoomName":"x"}}`,
			Changes:     []audit.Change{{Field: "RoomName", Before: `"a"`, After: `"x"`}}}
		if err := s.Append(ctx, &in); err != nil {
			b.Fatal(err)
		}
		res := audit.Entry{Kind: audit.KindResult, IntentSeq: in.Seq, Action: audit.ActionRoomUpdate, Actor: "olivia",
			RoomID: "live_1001", Outcome: audit.OutcomeOK, ActionStatus: "OK", RequestID: "Id-0123456789abcdef", Attempts: 1}
		if err := s.Append(ctx, &res); err != nil {
			b.Fatal(err)
		}
	}
}
