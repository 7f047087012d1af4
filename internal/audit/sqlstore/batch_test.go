package sqlstore_test

import (
	"context"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// AppendBatch chains a batch exactly as one Append after another would:
// a result may answer an intent earlier in the same batch (not an event),
// and a batch of any size (one statement's rows exactly, and one more)
// lands whole and verifies.
func TestAppendBatch(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			s := sqlstore.New(dbtest.Open(t, d))
			in := &audit.Entry{Kind: audit.KindIntent, Action: audit.ActionRoomUpdate, RoomID: "r1"}
			res := &audit.Entry{Kind: audit.KindResult, IntentSeq: 1, Action: audit.ActionRoomUpdate, RoomID: "r1", Outcome: audit.OutcomeOK}
			if err := s.AppendBatch(ctx, []*audit.Entry{in, res}); err != nil {
				t.Fatalf("intent and its result in one batch: %v", err)
			}
			// An intent answered in its own batch is not "unknown"; one left
			// open is, until a later batch answers it.
			open := &audit.Entry{Kind: audit.KindIntent, Action: audit.ActionRoomUpdate, RoomID: "r2"}
			if err := s.AppendBatch(ctx, []*audit.Entry{open}); err != nil {
				t.Fatal(err)
			}
			unknown := func() []int64 {
				p, err := s.List(ctx, audit.Filter{Outcome: audit.OutcomeUnknown}, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				var seqs []int64
				for _, r := range p.Records {
					seqs = append(seqs, r.Entry.Seq)
				}
				return seqs
			}
			if got := unknown(); len(got) != 1 || got[0] != open.Seq {
				t.Errorf("unknown records %v, want only the open intent %d", got, open.Seq)
			}
			late := &audit.Entry{Kind: audit.KindResult, IntentSeq: open.Seq, Action: audit.ActionRoomUpdate, RoomID: "r2", Outcome: audit.OutcomeOK}
			if err := s.AppendBatch(ctx, []*audit.Entry{late}); err != nil {
				t.Fatal(err)
			}
			if got := unknown(); len(got) != 0 {
				t.Errorf("unknown records %v after every intent was answered", got)
			}
			ev := &audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
			bad := &audit.Entry{Kind: audit.KindResult, IntentSeq: 5, Outcome: audit.OutcomeOK}
			if err := s.AppendBatch(ctx, []*audit.Entry{ev, bad}); err == nil {
				t.Fatal("a result for an event in the same batch was accepted")
			}
			total := int64(4)
			for _, n := range []int{16, 17, 200, 201} { // SQLite's and PostgreSQL's rows per statement, and one more
				var es []*audit.Entry
				for range n {
					es = append(es, &audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK})
				}
				if err := s.AppendBatch(ctx, es); err != nil {
					t.Fatalf("batch of %d: %v", n, err)
				}
				total += int64(n)
				if es[n-1].Seq != total {
					t.Fatalf("batch of %d ends at seq %d, want %d", n, es[n-1].Seq, total)
				}
			}
			if rep, err := s.Verify(ctx); err != nil || !rep.OK() || rep.Rows != total {
				t.Errorf("Verify = %+v, %v; want %d intact rows", rep, err, total)
			}
		})
	}
}

// The first 17 rows of a log store exactly 32 tree hashes, one full SQLite
// statement of them (insertTree's per): the batch lands whole, with no
// statement left over and none empty.
func TestAppendBatchFillsTreeStatementsExactly(t *testing.T) {
	ctx := context.Background()
	s := sqlstore.New(dbtest.Open(t, db.SQLite))
	var es []*audit.Entry
	for range 17 {
		es = append(es, &audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK})
	}
	if err := s.AppendBatch(ctx, es); err != nil {
		t.Fatalf("17 rows (32 tree hashes): %v", err)
	}
	if rep, err := s.VerifyTree(ctx, 0); err != nil || !rep.OK() || rep.Rows != 17 {
		t.Errorf("VerifyTree = %+v, %v; want 17 intact rows", rep, err)
	}
}
