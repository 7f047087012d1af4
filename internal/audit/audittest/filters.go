package audittest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// fixture fills s with a mix of every record shape and returns the records
// as the store should give them back, newest first.
func fixture(t *testing.T, s audit.Store, n int) []audit.Record {
	t.Helper()
	recs := map[int64]*audit.Record{}
	var order []int64
	var late *audit.Entry // an intent whose result comes after the next record
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }
	names := []string{"alice", "bob", "carol"}
	for i := range n {
		room, actor := fmt.Sprintf("r%d", i%3), names[(i/2)%3]
		job := ""
		if i%5 == 0 {
			job = "j1"
		}
		app := []string{"prod-cn", "prod-sg", ""}[i%3] // "" : a row from before apps
		var e audit.Entry
		switch i % 7 {
		case 2:
			e = mustAppend(t, s, event(at(i), actor, audit.ActionLogin))
		case 5:
			ev := event(at(i), actor, audit.ActionDenied)
			ev.Outcome, ev.RoomID, ev.RequestID, ev.JobID, ev.App = audit.OutcomeDenied, room, fmt.Sprintf("rid-%d", i), job, app
			e = mustAppend(t, s, ev)
		default:
			in := intent(at(i), actor, room)
			in.JobID, in.App = job, app
			e = mustAppend(t, s, in)
		}
		recs[e.Seq] = &audit.Record{Entry: e}
		order = append(order, e.Seq)
		if late != nil {
			res := mustAppend(t, s, result(at(i), *late, audit.OutcomeOK, fmt.Sprintf("rid-late-%d", i)))
			recs[late.Seq].Result = &res
			late = nil
		}
		outcome := map[int]string{0: audit.OutcomeOK, 1: audit.OutcomeFailed, 4: audit.OutcomeUnknown}[i%7]
		switch {
		case outcome != "":
			res := mustAppend(t, s, result(at(i), e, outcome, fmt.Sprintf("rid-%d", i)))
			recs[e.Seq].Result = &res
		case i%7 == 6:
			late = &e
		}
	}
	var out []audit.Record
	for _, seq := range slices.Backward(order) {
		out = append(out, *recs[seq])
	}
	return out
}

func matches(r audit.Record, f audit.Filter) bool {
	e := r.Entry
	reqID := e.RequestID
	if r.Result != nil && f.RequestID == r.Result.RequestID {
		reqID = r.Result.RequestID
	}
	return strings.HasPrefix(e.RoomID, f.RoomID) &&
		strings.HasPrefix(e.Actor, f.Actor) &&
		(f.Action == "" || e.Action == f.Action) &&
		(f.JobID == "" || e.JobID == f.JobID) &&
		(f.App == "" || e.App == f.App) &&
		(f.Outcome == "" || r.Outcome() == f.Outcome) &&
		(f.RequestID == "" || reqID == f.RequestID) &&
		(f.From.IsZero() || !e.Time.Before(f.From)) &&
		(f.To.IsZero() || e.Time.Before(f.To))
}

func want(all []audit.Record, f audit.Filter) []audit.Record {
	var out []audit.Record
	for _, r := range all {
		if matches(r, f) {
			out = append(out, r)
		}
	}
	return out
}

func testFilters(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	all := fixture(t, s, 70)
	minute := func(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }
	cases := []struct {
		name string
		f    audit.Filter
	}{
		{"all", audit.Filter{}},
		{"room", audit.Filter{RoomID: "r1"}},
		{"actor", audit.Filter{Actor: "bob"}},
		{"room prefix", audit.Filter{RoomID: "r"}},
		{"actor prefix", audit.Filter{Actor: "ca"}},
		{"actor prefix and outcome", audit.Filter{Actor: "a", Outcome: audit.OutcomeUnknown}},
		{"room prefix with no rows", audit.Filter{RoomID: "r9"}},
		{"room prefix above every room", audit.Filter{RoomID: "zz"}},
		{"room prefix ending in ÿ", audit.Filter{RoomID: "rÿ"}},
		{"room prefix and action", audit.Filter{RoomID: "r2", Action: audit.ActionDenied}},
		{"action", audit.Filter{Action: audit.ActionLogin}},
		{"job", audit.Filter{JobID: "j1"}},
		{"app", audit.Filter{App: "prod-sg"}},
		{"app and outcome", audit.Filter{App: "prod-cn", Outcome: audit.OutcomeOK}},
		{"app and room", audit.Filter{App: "prod-cn", RoomID: "r0"}},
		{"unknown app", audit.Filter{App: "nope"}},
		{"outcome ok", audit.Filter{Outcome: audit.OutcomeOK}},
		{"outcome failed", audit.Filter{Outcome: audit.OutcomeFailed}},
		{"outcome unknown", audit.Filter{Outcome: audit.OutcomeUnknown}},
		{"outcome denied", audit.Filter{Outcome: audit.OutcomeDenied}},
		{"outcome pending matches nothing", audit.Filter{Outcome: audit.OutcomePending}},
		{"request id of a result", audit.Filter{RequestID: "rid-7"}},
		{"request id of a late result", audit.Filter{RequestID: "rid-late-14"}},
		{"request id of an event", audit.Filter{RequestID: "rid-12"}},
		{"request id unknown", audit.Filter{RequestID: "nope"}},
		{"from", audit.Filter{From: minute(50)}},
		{"to", audit.Filter{To: minute(20)}},
		{"range", audit.Filter{From: minute(10), To: minute(30)}},
		{"range after the log", audit.Filter{From: minute(500)}},
		{"room and outcome", audit.Filter{RoomID: "r2", Outcome: audit.OutcomeUnknown}},
		{"actor, outcome and range", audit.Filter{Actor: "alice", Outcome: audit.OutcomeOK, From: minute(5), To: minute(60)}},
	}
	if n := len(want(all, audit.Filter{Outcome: audit.OutcomeUnknown})); n < 15 {
		t.Fatalf("fixture has only %d unknown records", n)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantRecs := want(all, tc.f)
			for _, limit := range []int{2, 50} {
				got, err := collect(s, tc.f, limit)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, wantRecs) {
					t.Fatalf("limit %d:\n got %s\nwant %s", limit, describe(got), describe(wantRecs))
				}
			}
		})
	}
}

// collect pages through List and returns the whole records.
func collect(s audit.Store, f audit.Filter, limit int) ([]audit.Record, error) {
	var out []audit.Record
	var before int64
	for {
		p, err := s.List(context.Background(), f, before, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Records...)
		if p.NextCursor == 0 {
			return out, nil
		}
		before = p.NextCursor
	}
}

func testExport(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	all := fixture(t, s, 40)
	ctx := context.Background()
	for _, f := range []audit.Filter{{}, {Outcome: audit.OutcomeUnknown}, {RoomID: "r0"}} {
		var got []audit.Record
		if err := s.Export(ctx, f, func(r audit.Record) error { got = append(got, r); return nil }); err != nil {
			t.Fatalf("Export(%+v): %v", f, err)
		}
		if w := want(all, f); !reflect.DeepEqual(got, w) {
			t.Errorf("Export(%+v):\n got %s\nwant %s", f, describe(got), describe(w))
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := s.Export(ctx, audit.Filter{}, func(audit.Record) error {
		if calls++; calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("Export with a failing fn: err %v after %d calls, want stop after 3", err, calls)
	}
}

func testVerify(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	rep := wantVerify(t, s, 0, 0)
	if rep.LastHash != audit.GenesisHash {
		t.Errorf("empty log: LastHash %s, want genesis", rep.LastHash)
	}
	all := fixture(t, s, 20)
	var last audit.Entry
	rows := int64(0)
	for _, r := range all {
		for _, e := range []*audit.Entry{&r.Entry, r.Result} {
			if e != nil {
				rows++
				if e.Seq > last.Seq {
					last = *e
				}
			}
		}
	}
	rep = wantVerify(t, s, 0, rows)
	if rep.LastHash != last.Hash {
		t.Errorf("LastHash %s, want the head's %s", rep.LastHash, last.Hash)
	}
}
