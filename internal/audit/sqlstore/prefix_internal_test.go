package sqlstore

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

func TestPrefixEnd(t *testing.T) {
	for p, want := range map[string]string{
		"r":               "s",
		"live_1":          "live_2",
		"rÿ":              "rĀ",      // U+00FF → U+0100: one byte more
		"a\u007f":         "a\u0080", // one byte → two
		"x\ud7ff":         "x\ue000", // the surrogates are skipped
		"房间":              "房闵",
		"a\U0010FFFF":     "", // no character above
		"a\xff":           "", // broken UTF-8
		"":                "",
		"\U0010FFFE":      "\U0010FFFF",
		"live_1001\u00e9": "live_1001\u00ea",
	} {
		got, ok := prefixEnd(p)
		if ok != (want != "") || got != want {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q", p, got, ok, want)
		}
	}
}

// TestRarePrefix: the lookup answers for a prefix with at most rareRows
// rows in the whole log (exactly rareRows included), newest first, within
// the page's seq range only; with one row more it leaves the prefix to
// the walk.
func TestRarePrefix(t *testing.T) {
	s := New(dbtest.Open(t, db.SQLite))
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var seqs []int64
	for i, room := range []string{"r1", "r2", "r10", "s1", "r1", "q1"} {
		e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionDenied, Outcome: audit.OutcomeDenied,
			Actor: "ann", RoomID: room, Time: at.Add(time.Duration(i) * time.Minute)}
		if err := s.Append(ctx, &e); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, e.Seq)
	}
	defer SetRareRows(4)()
	for _, tc := range []struct {
		room   string
		lo, hi int64
		want   []int64
		rare   bool
	}{
		{"r1", 1, math.MaxInt64, []int64{seqs[4], seqs[2], seqs[0]}, true}, // r1, r10 and r1 again
		{"r1", 1, seqs[4], []int64{seqs[2], seqs[0]}, true},                // the page before the newest
		{"r1", seqs[2], seqs[4], []int64{seqs[2]}, true},
		{"r", 1, math.MaxInt64, []int64{seqs[4], seqs[2], seqs[1], seqs[0]}, true}, // exactly rareRows
		{"z", 1, math.MaxInt64, nil, true},                                         // none at all
	} {
		got, rare, err := s.rarePrefix(ctx, audit.Filter{RoomID: tc.room}, tc.lo, tc.hi)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, v := range got {
			ids = append(ids, v.(int64))
		}
		if rare != tc.rare || !slices.Equal(ids, tc.want) {
			t.Errorf("%q in [%d, %d): %v, rare %v; want %v, rare %v", tc.room, tc.lo, tc.hi, ids, rare, tc.want, tc.rare)
		}
	}
	// One row more than rareRows: walked.
	defer SetRareRows(3)()
	if got, rare, err := s.rarePrefix(ctx, audit.Filter{RoomID: "r"}, 1, math.MaxInt64); err != nil || rare || got != nil {
		t.Errorf(`"r" with 4 rows and rareRows 3: %v, rare %v, %v`, got, rare, err)
	}
	// The operator, when no room is asked for.
	if got, rare, err := s.rarePrefix(ctx, audit.Filter{Actor: "an"}, 1, math.MaxInt64); err != nil || rare || got != nil {
		t.Errorf(`operator "an" (6 rows, rareRows 3): %v, rare %v, %v`, got, rare, err)
	}
	defer SetRareRows(10)()
	if got, rare, err := s.rarePrefix(ctx, audit.Filter{Actor: "an"}, 1, math.MaxInt64); err != nil || !rare || len(got) != 6 {
		t.Errorf(`operator "an" (6 rows, rareRows 10): %v, rare %v, %v`, got, rare, err)
	}
}
