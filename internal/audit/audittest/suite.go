// Package audittest is the contract every audit.Store must meet, run by each
// implementation's tests, plus a FailingStore for the tests of callers.
package audittest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// NewStore returns a fresh, empty store and the database under it (raw SQL
// is how the tamper tests play the attacker).
type NewStore func(t *testing.T) (audit.Store, *db.DB)

// Run runs the contract suite; every subtest gets a fresh store.
func Run(t *testing.T, newStore NewStore) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore) })
	t.Run("AppendRefusals", func(t *testing.T) { testRefusals(t, newStore) })
	t.Run("Normalize", func(t *testing.T) { testNormalize(t, newStore) })
	t.Run("PendingOutcome", func(t *testing.T) { testPendingOutcome(t, newStore) })
	t.Run("Chain", func(t *testing.T) { testChain(t, newStore) })
	t.Run("Paging", func(t *testing.T) { testPaging(t, newStore) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, newStore) })
	t.Run("Export", func(t *testing.T) { testExport(t, newStore) })
	t.Run("Verify", func(t *testing.T) { testVerify(t, newStore) })
	t.Run("Guards", func(t *testing.T) { testGuards(t, newStore) })
	t.Run("Tamper", func(t *testing.T) { testTamper(t, newStore) })
	t.Run("Tree", func(t *testing.T) { testTree(t, newStore) })
	t.Run("TreeRepair", func(t *testing.T) { testTreeRepair(t, newStore) })
	t.Run("Checkpoint", func(t *testing.T) { testCheckpoint(t, newStore) })
	t.Run("Concurrent", func(t *testing.T) {
		s, _ := newStore(t)
		appendConcurrently(t, []audit.Store{s}, 8, 15)
	})
}

// RunFilters runs the suite's filter cases alone, for a store to run them
// again under another setting (sqlstore: the rare-prefix lookup on and off).
func RunFilters(t *testing.T, newStore NewStore) { testFilters(t, newStore) }

// base is the tests' clock start: fixed, so failures reproduce.
var base = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func mustAppend(t *testing.T, s audit.Store, e audit.Entry) audit.Entry {
	t.Helper()
	if err := s.Append(context.Background(), &e); err != nil {
		t.Fatalf("Append(%s %s): %v", e.Kind, e.Action, err)
	}
	return e
}

func event(at time.Time, actor, action string) audit.Entry {
	return audit.Entry{Time: at, Kind: audit.KindEvent, Actor: actor, ActorRole: "admin",
		Action: action, Outcome: audit.OutcomeOK}
}

func intent(at time.Time, actor, room string) audit.Entry {
	return audit.Entry{Time: at, Kind: audit.KindIntent, Actor: actor, ActorRole: "operator",
		Action: audit.ActionRoomUpdate, RoomID: room, Outcome: audit.OutcomePending,
		Changes:     []audit.Change{{Field: "RoomName", Before: `"a"`, After: `"b"`}},
		RequestBody: `{"RoomInfo":{"RoomId":"` + room + `","RoomName":"b"}}`}
}

func result(at time.Time, in audit.Entry, outcome, requestID string) audit.Entry {
	return audit.Entry{Time: at, Kind: audit.KindResult, IntentSeq: in.Seq, Actor: in.Actor,
		ActorRole: in.ActorRole, Action: in.Action, RoomID: in.RoomID, JobID: in.JobID,
		ActionStatus: "OK", RequestID: requestID, Outcome: outcome, Attempts: 1, LatencyMS: 42}
}

func testRoundTrip(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	ctx := context.Background()
	full := audit.Entry{
		// Not UTC and below a microsecond: the store keeps UTC microseconds.
		Time:  time.Date(2026, 3, 1, 17, 4, 5, 123456789, time.FixedZone("CST", 8*3600)),
		Kind:  audit.KindIntent,
		Actor: "alice", ActorRole: "operator", ClientIP: "2001:db8::1",
		UserAgent: "Mozilla/5.0 (X11) \"quoted\" \\ ünïcödé 房间",
		Action:    audit.ActionRoomUpdate, RoomID: "room-1", JobID: "job-7",
		Changes: []audit.Change{
			{Field: "RoomName", Before: `"old\nname"`, After: `"新名字"`},
			{Field: "MaxMemberCount", Before: `100`, After: `2147483647`},
			{Field: "Notice", Before: `""`, After: `"=1+1 <b>&</b>\u2028"`},
		},
		RequestBody:  `{"RoomInfo":{"RoomId":"room-1","RoomName":"新名字"}}`,
		ResponseBody: "not yet\t\x01",
		ActionStatus: "", ErrorCode: -1, ErrorInfo: "e", RequestID: "rid-intent",
		Outcome: audit.OutcomePending, Attempts: 3, LatencyMS: 1 << 40, Detail: "line1\r\nline2",
	}
	in := mustAppend(t, s, full)
	wantTime := time.Date(2026, 3, 1, 9, 4, 5, 123456000, time.UTC)
	if !in.Time.Equal(wantTime) || in.Time.Location() != time.UTC {
		t.Fatalf("Append set Time %v, want %v UTC", in.Time, wantTime)
	}
	res := result(time.Time{}, in, audit.OutcomeFailed, "rid-1")
	res.ResponseBody, res.ErrorCode, res.ErrorInfo = `{"ActionStatus":"FAIL","ErrorCode":100004}`, 100004, "room not found"
	before := time.Now().Add(-time.Second)
	res = mustAppend(t, s, res)
	if res.Time.Before(before) || res.Time.After(time.Now().Add(time.Second)) || res.Time.Nanosecond()%1000 != 0 {
		t.Errorf("zero Time became %v, want now at microsecond precision", res.Time)
	}
	for _, seq := range []int64{in.Seq, res.Seq} {
		got, err := s.Get(ctx, seq)
		if err != nil {
			t.Fatalf("Get(%d): %v", seq, err)
		}
		if !reflect.DeepEqual(got.Entry, in) {
			t.Errorf("Get(%d).Entry =\n%#v\nwant\n%#v", seq, got.Entry, in)
		}
		if got.Result == nil || !reflect.DeepEqual(*got.Result, res) {
			t.Errorf("Get(%d).Result =\n%#v\nwant\n%#v", seq, got.Result, res)
		}
		if got.Outcome() != audit.OutcomeFailed {
			t.Errorf("Get(%d).Outcome() = %q, want failed", seq, got.Outcome())
		}
	}
	ev := mustAppend(t, s, event(time.Time{}, "bob", audit.ActionLogin))
	got, err := s.Get(ctx, ev.Seq)
	if err != nil || !reflect.DeepEqual(got.Entry, ev) || got.Result != nil {
		t.Errorf("Get(event) = %#v, %v; want %#v", got, err, ev)
	}
	if _, err := s.Get(ctx, 999); !errors.Is(err, audit.ErrNotFound) {
		t.Errorf("Get(999) error = %v, want ErrNotFound", err)
	}
	// Time never runs backwards along the chain.
	old := mustAppend(t, s, event(base.Add(-time.Hour), "carol", audit.ActionLogout))
	if old.Time.Before(ev.Time) {
		t.Errorf("an earlier Time was stored as %v, before the head's %v", old.Time, ev.Time)
	}
}

func testRefusals(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	ctx := context.Background()
	ev := mustAppend(t, s, event(base, "a", audit.ActionLogin))
	in := mustAppend(t, s, intent(base, "a", "r1"))
	mustAppend(t, s, result(base, in, audit.OutcomeOK, "x"))
	bad := []struct {
		name string
		e    audit.Entry
	}{
		{"result without intent", audit.Entry{Kind: audit.KindResult}},
		{"result for an event", result(base, ev, audit.OutcomeOK, "")},
		{"result for a missing row", audit.Entry{Kind: audit.KindResult, IntentSeq: 99}},
		{"second result", result(base, in, audit.OutcomeOK, "y")},
		{"event with IntentSeq", audit.Entry{Kind: audit.KindEvent, IntentSeq: 1}},
		{"unknown kind", audit.Entry{Kind: "note"}},
	}
	for _, tc := range bad {
		e := tc.e
		if err := s.Append(ctx, &e); err == nil {
			t.Errorf("%s: Append succeeded (seq %d), want an error", tc.name, e.Seq)
		} else if e.Seq != 0 || e.Hash != "" {
			t.Errorf("%s: failed Append changed the entry: seq %d hash %q", tc.name, e.Seq, e.Hash)
		}
	}
	wantVerify(t, s, 0, 3)
}

// testPendingOutcome: an intent appended without an outcome is stored as
// pending (its result will say how it ended); no other row gets one it
// was not given.
func testPendingOutcome(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	in := intent(base, "a", "r1")
	in.Outcome = ""
	in = mustAppend(t, s, in)
	ev := event(base, "a", audit.ActionLogin)
	ev.Outcome = ""
	ev = mustAppend(t, s, ev)
	for _, w := range []struct {
		seq  int64
		want string
	}{{in.Seq, audit.OutcomePending}, {ev.Seq, ""}} {
		r, err := s.Get(context.Background(), w.seq)
		if err != nil || r.Entry.Outcome != w.want {
			t.Errorf("row %d (%s): outcome %q, %v; want %q", w.seq, r.Entry.Kind, r.Entry.Outcome, err, w.want)
		}
	}
}

func testNormalize(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	e := event(base, "nul\x00byte", "bad\xffutf8")
	e = mustAppend(t, s, e)
	if e.Actor != "nul\uFFFDbyte" || e.Action != "bad\uFFFDutf8" {
		t.Errorf("Append stored %q %q, want U+FFFD replacements", e.Actor, e.Action)
	}
	got, err := s.Get(context.Background(), e.Seq)
	if err != nil || !reflect.DeepEqual(got.Entry, e) {
		t.Errorf("Get = %#v, %v; want %#v", got.Entry, err, e)
	}
	wantVerify(t, s, 0, 1)
}

func testChain(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	prev := audit.GenesisHash
	for i := range 5 {
		e := mustAppend(t, s, event(base.Add(time.Duration(i)*time.Second), "a", audit.ActionLogin))
		if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != audit.ComputeHash(prev, e) {
			t.Fatalf("row %d: seq %d prev %s hash %s; want seq %d prev %s", i, e.Seq, e.PrevHash, e.Hash, i+1, prev)
		}
		prev = e.Hash
	}
}

func testPaging(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	for i := range 23 {
		mustAppend(t, s, event(base.Add(time.Duration(i)*time.Second), "a", audit.ActionLogin))
	}
	for _, limit := range []int{1, 5, 23, 100} {
		got := listAll(t, s, audit.Filter{}, limit)
		if want := seqRange(23, 1); !reflect.DeepEqual(got, want) {
			t.Errorf("limit %d: pages gave %v, want %v", limit, got, want)
		}
	}
	// The page that holds the oldest record is the last (cursor 0), even
	// when it is exactly full; a limit of 0 or less means the default page,
	// which holds all 23.
	for _, limit := range []int{23, 0, -1} {
		p, err := s.List(context.Background(), audit.Filter{}, 0, limit)
		if err != nil || len(p.Records) != 23 || p.NextCursor != 0 {
			t.Errorf("List(limit %d) = %d records, cursor %d, %v; want all 23 and cursor 0", limit, len(p.Records), p.NextCursor, err)
		}
	}
	if p, err := s.List(context.Background(), audit.Filter{}, 0, 22); err != nil || p.NextCursor != 2 {
		t.Errorf("List(limit 22) cursor %d, %v; want 2, the oldest seq on the page", p.NextCursor, err)
	}
}

// listAll pages through List and returns the record seqs, checking that
// each page is at most limit long and the cursor protocol holds.
func listAll(t *testing.T, s audit.Store, f audit.Filter, limit int) []int64 {
	t.Helper()
	var seqs []int64
	var before int64
	for range 10000 {
		p, err := s.List(context.Background(), f, before, limit)
		if err != nil {
			t.Fatalf("List(%+v, %d, %d): %v", f, before, limit, err)
		}
		if len(p.Records) > limit || (p.NextCursor != 0 && len(p.Records) != limit) {
			t.Fatalf("List gave %d records, cursor %d, for limit %d", len(p.Records), p.NextCursor, limit)
		}
		for _, r := range p.Records {
			seqs = append(seqs, r.Entry.Seq)
		}
		if p.NextCursor == 0 {
			return seqs
		}
		before = p.NextCursor
	}
	t.Fatal("List never returned a last page")
	return nil
}

func seqRange(from, to int64) []int64 {
	var s []int64
	for i := from; i >= to; i-- {
		s = append(s, i)
	}
	return s
}

func wantVerify(t *testing.T, s audit.Store, firstBad, rows int64) audit.VerifyReport {
	t.Helper()
	rep, err := s.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if rep.FirstBad != firstBad || (firstBad == 0 && (!rep.OK() || rep.Rows != rows)) {
		t.Fatalf("Verify = %+v, want FirstBad %d (rows %d)", rep, firstBad, rows)
	}
	if firstBad != 0 && (rep.OK() || rep.Problem == "") {
		t.Fatalf("Verify = %+v: a broken chain needs a Problem", rep)
	}
	return rep
}

func describe(rs []audit.Record) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%d(%s %s) ", r.Entry.Seq, r.Entry.Kind, r.Outcome())
	}
	return b.String()
}
