package catalogue_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// oracleRooms are more rooms than a search walks before it looks matches
// up (1,000), with many equal sort keys, names in Latin and Chinese, and
// rare names only among the least viewed, newest and last by name, so a
// search for them cannot fill its page from the walk and must look them up.
func oracleRooms() []tencent.RoomInfo {
	words := []string{"Night", "Karaoke", "拉面", "音乐", "Chat", "夜场", "Dance"}
	var out []tencent.RoomInfo
	for i := range 1500 {
		name := fmt.Sprintf("%s %s %d", words[i%len(words)], words[(i/3)%len(words)], i%40)
		views := int64(50 + i%50)
		if i%100 == 7 {
			name, views = fmt.Sprintf("zz 稀有房 Quokka %d", i), int64(i%3) // rare, least viewed
		}
		out = append(out, tencent.RoomInfo{RoomId: fmt.Sprintf("r%04d", i), RoomName: name,
			OwnerAccount: tencent.Account(fmt.Sprintf("own_%02d", i%60)), ViewCount: views, CreateTime: 1000 + int64(i%30),
			Category: []int{i % 5, 10 + i%3}, ActivityStatus: i % 4, IsMessageDisabled: tencent.FlexBool(i%6 == 0),
			IsPublicVisible: i%10 != 3, TakeSeatMode: []tencent.SeatMode{tencent.SeatFreeToTake, tencent.SeatApplyToTake}[i%2/1]})
	}
	return out
}

// matches is the search's meaning, written plainly.
func matches(q catalogue.Query, r tencent.RoomInfo) bool {
	if q.Text != "" && !strings.Contains(catalogue.Fold(r.RoomName), catalogue.Fold(q.Text)) &&
		!strings.HasPrefix(r.RoomId, q.Text) && !strings.HasPrefix(string(r.OwnerAccount), q.Text) {
		return false
	}
	switch {
	case q.Category != nil && !slices.Contains(r.Category, *q.Category),
		q.Status != nil && r.ActivityStatus != *q.Status,
		q.Muted != nil && bool(r.IsMessageDisabled) != *q.Muted,
		q.Listed != nil && r.IsPublicVisible != *q.Listed,
		q.SeatMode != "" && string(r.TakeSeatMode) != q.SeatMode,
		q.Presence == catalogue.Listed && !r.IsPublicVisible,
		q.Presence == catalogue.Private && r.IsPublicVisible,
		q.Presence == catalogue.Missing:
		return false
	}
	return true
}

func less(sort string, a, b tencent.RoomInfo) int {
	var c int
	switch sort {
	case catalogue.SortName:
		c = strings.Compare(catalogue.Fold(a.RoomName), catalogue.Fold(b.RoomName))
	case catalogue.SortCreated:
		c = -cmpInt(a.CreateTime, b.CreateTime)
	default:
		c = -cmpInt(a.ViewCount, b.ViewCount)
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.RoomId, b.RoomId)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Every search, whether its page fills from the walk of the sort order or
// its matches are looked up (name fragments of one, two and three or more
// characters, Latin and Chinese, RoomId and owner prefixes, each filter and
// combinations, common and rare), finds exactly the rooms it means, in
// order; paging 7 at a time by cursor visits the same rooms in the same
// order across the walk/lookup boundary and across runs of equal sort keys.
func TestSearchAgreesWithItsMeaning(t *testing.T) {
	each(t, func(t *testing.T, d db.Dialect) {
		s, _ := newStore(t, d)
		ctx := context.Background()
		all := oracleRooms()
		for i := 0; i < len(all); i += 250 {
			if err := s.Put(ctx, app, all[i:i+250], rooms.SeenRead); err != nil {
				t.Fatal(err)
			}
		}
		n := func(i int) *int { return &i }
		yes, no := true, false
		queries := []catalogue.Query{
			{Text: "拉面"}, {Text: "面"}, {Text: "稀"}, {Text: "稀有"}, {Text: "稀有房"}, {Text: "有房 q"},
			{Text: "night"}, {Text: "GHT"}, {Text: "q"}, {Text: "uo"}, {Text: "quokka 1"}, {Text: "r00"}, {Text: "r1499"},
			{Text: "own_1"}, {Text: "zz"}, {Text: "nothing like it"},
			{Category: n(3)}, {Category: n(11)}, {Category: n(3), Muted: &yes}, {Category: n(4), Status: n(1)},
			{Status: n(2)}, {Status: n(3), SeatMode: "FreeToTake"}, {Muted: &yes, Listed: &no}, {SeatMode: "ApplyToTake"},
			{Presence: catalogue.Private}, {Presence: catalogue.Missing}, {Listed: &no, Muted: &no},
			{Text: "稀有", Category: n(2)}, {Text: "音乐", Status: n(0), Muted: &no}, {Text: "k", Presence: catalogue.Private},
		}
		for _, base := range queries {
			for _, sort := range catalogue.Sorts {
				q := base
				q.App, q.Sort = app, sort
				var want []string
				var mine []tencent.RoomInfo
				for _, r := range all {
					if matches(q, r) {
						mine = append(mine, r)
					}
				}
				slices.SortFunc(mine, func(a, b tencent.RoomInfo) int { return less(sort, a, b) })
				for _, r := range mine {
					want = append(want, r.RoomId)
				}
				name := fmt.Sprintf("%+v", q)
				q.Limit = 2000
				whole, err := s.Search(ctx, q)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got := ids(whole); !slices.Equal(got, want) {
					t.Errorf("%s: %d rooms %q…, want %d %q…", name, len(got), head(got), len(want), head(want))
					continue
				}
				q.Limit = 7
				var paged []string
				for page := 0; ; page++ {
					p, err := s.Search(ctx, q)
					if err != nil {
						t.Fatalf("%s page %d: %v", name, page, err)
					}
					paged = append(paged, ids(p)...)
					if p.Next == "" || page > 300 {
						break
					}
					q.After = p.Next
				}
				if !slices.Equal(paged, want) {
					t.Errorf("%s: paged %d rooms %q…, want %d", name, len(paged), head(paged), len(want))
				}
			}
		}
	})
}

func head(s []string) []string { return s[:min(len(s), 5)] }
