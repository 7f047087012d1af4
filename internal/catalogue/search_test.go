package catalogue_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

const app = "main"

// clock is a settable Now.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }
func (c *clock) tick()          { c.t = c.t.Add(time.Second) }

func newStore(t *testing.T, d db.Dialect) (*catalogue.Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	return catalogue.New(dbtest.Open(t, d), catalogue.Options{Now: c.Now}), c
}

func room(id, name string, views int64, mods ...func(*tencent.RoomInfo)) tencent.RoomInfo {
	r := tencent.RoomInfo{RoomId: id, RoomName: name, ViewCount: views, OwnerAccount: tencent.Account("anchor_" + id),
		IsPublicVisible: true, TakeSeatMode: tencent.SeatFreeToTake, CreateTime: 1751371200 + views}
	for _, m := range mods {
		m(&r)
	}
	return r
}

// fixtureRooms are a handful of rooms with names to search in.
func fixtureRooms() []tencent.RoomInfo {
	return []tencent.RoomInfo{
		room("live_1", "Ramen Night 拉面之夜", 500, func(r *tencent.RoomInfo) { r.Category = []int{4, 7} }),
		room("live_2", "Friday Karaoke", 900, func(r *tencent.RoomInfo) { r.ActivityStatus = 2 }),
		room("live_3", "深夜拉面", 100, func(r *tencent.RoomInfo) { r.IsMessageDisabled = true; r.Category = []int{17} }),
		room("live_30", "100% Jazz_club", 300, func(r *tencent.RoomInfo) { r.TakeSeatMode = tencent.SeatApplyToTake }),
		room("show_9", "Morning news", 700, func(r *tencent.RoomInfo) { r.OwnerAccount = "olga"; r.IsPublicVisible = false }),
	}
}

func ids(p catalogue.Page) []string {
	var out []string
	for _, r := range p.Rooms {
		out = append(out, r.RoomId)
	}
	return out
}

func each(t *testing.T, fn func(t *testing.T, d db.Dialect)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

func TestSearchTextFiltersAndSorts(t *testing.T) {
	each(t, func(t *testing.T, d db.Dialect) {
		s, _ := newStore(t, d)
		ctx := context.Background()
		if err := s.Put(ctx, app, fixtureRooms(), rooms.SeenRead); err != nil {
			t.Fatal(err)
		}
		// A room known from get_room_list only: its muted flag and seat
		// mode are unknown, so those filters never match it.
		if err := s.Put(ctx, app, []tencent.RoomInfo{{RoomId: "list_only", RoomName: "List only", ViewCount: 50,
			CreateTime: 1751371200 + 50}}, rooms.SeenList); err != nil {
			t.Fatal(err)
		}
		// Another app's room never shows.
		if err := s.Put(ctx, "other", []tencent.RoomInfo{room("live_1b", "Ramen elsewhere", 1)}, rooms.SeenList); err != nil {
			t.Fatal(err)
		}
		n := func(i int) *int { return &i }
		yes, no := true, false
		tests := []struct {
			name string
			q    catalogue.Query
			want []string
		}{
			{"everything, most viewed first", catalogue.Query{}, []string{"live_2", "show_9", "live_1", "live_30", "live_3", "list_only"}},
			{"latin fragment, any case", catalogue.Query{Text: "AMEN nig"}, []string{"live_1"}},
			{"chinese fragment of three", catalogue.Query{Text: "拉面之"}, []string{"live_1"}},
			{"chinese word of two", catalogue.Query{Text: "拉面"}, []string{"live_1", "live_3"}},
			{"one character", catalogue.Query{Text: "夜"}, []string{"live_1", "live_3"}},
			{"LIKE's wildcards are plain text", catalogue.Query{Text: "0%"}, []string{"live_30"}},
			{"underscore is plain text", catalogue.Query{Text: "z_c"}, []string{"live_30"}},
			{"RoomId prefix", catalogue.Query{Text: "live_3"}, []string{"live_30", "live_3"}},
			{"owner prefix", catalogue.Query{Text: "olg"}, []string{"show_9"}},
			{"no match", catalogue.Query{Text: "zzz"}, nil},
			{"category", catalogue.Query{Category: n(7)}, []string{"live_1"}},
			{"category is exact, not a digit inside another", catalogue.Query{Category: n(1)}, nil},
			{"status", catalogue.Query{Status: n(2)}, []string{"live_2"}},
			{"muted", catalogue.Query{Muted: &yes}, []string{"live_3"}},
			{"not muted, known", catalogue.Query{Muted: &no}, []string{"live_2", "show_9", "live_1", "live_30"}},
			{"listed", catalogue.Query{Listed: &yes}, []string{"live_2", "live_1", "live_30", "live_3", "list_only"}},
			{"free seats, known", catalogue.Query{SeatMode: "FreeToTake"}, []string{"live_2", "show_9", "live_1", "live_3"}},
			{"hidden", catalogue.Query{Listed: &no}, []string{"show_9"}},
			{"seat mode", catalogue.Query{SeatMode: "ApplyToTake"}, []string{"live_30"}},
			{"private", catalogue.Query{Presence: catalogue.Private}, []string{"show_9"}},
			{"text and filter", catalogue.Query{Text: "拉面", Muted: &no}, []string{"live_1"}},
			{"by name", catalogue.Query{Sort: catalogue.SortName}, []string{"live_30", "live_2", "list_only", "show_9", "live_1", "live_3"}},
			{"newest first", catalogue.Query{Sort: catalogue.SortCreated}, []string{"live_2", "show_9", "live_1", "live_30", "live_3", "list_only"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tc.q.App = app
				p, err := s.Search(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(p); !slices.Equal(got, tc.want) || p.Next != "" {
					t.Errorf("got %q (next %q), want %q", got, p.Next, tc.want)
				}
			})
		}
	})
}

// Keyset paging visits every room once, in order, for each sort, also
// when many rooms share a sort key; a cursor that was edited or belongs
// to another search is refused.
func TestSearchPagesWithKeysetCursors(t *testing.T) {
	each(t, func(t *testing.T, d db.Dialect) {
		s, _ := newStore(t, d)
		ctx := context.Background()
		var all []tencent.RoomInfo
		for i := range 23 {
			all = append(all, room(fmt.Sprintf("r%02d", i), fmt.Sprintf("Room %d", i%5), int64(i%4)))
		}
		if err := s.Put(ctx, app, all, rooms.SeenList); err != nil {
			t.Fatal(err)
		}
		for _, sort := range catalogue.Sorts {
			q := catalogue.Query{App: app, Sort: sort}
			q.Limit = 200
			whole, err := s.Search(ctx, q)
			if err != nil || len(whole.Rooms) != 23 {
				t.Fatalf("%s: %d rooms, %v", sort, len(whole.Rooms), err)
			}
			q.Limit = 4
			var paged []string
			for page := 0; ; page++ {
				p, err := s.Search(ctx, q)
				if err != nil {
					t.Fatalf("%s page %d: %v", sort, page, err)
				}
				paged = append(paged, ids(p)...)
				if p.Next == "" {
					break
				}
				if !strings.HasPrefix(p.Next, "v1") {
					t.Fatalf("cursor %q", p.Next)
				}
				q.After = p.Next
			}
			if want := ids(whole); !slices.Equal(paged, want) {
				t.Errorf("%s: paged %q, want %q", sort, paged, want)
			}
		}
		q := catalogue.Query{App: app, Sort: catalogue.SortViews, Limit: 4}
		p, err := s.Search(ctx, q)
		if err != nil || p.Next == "" {
			t.Fatal(err)
		}
		bad := []catalogue.Query{
			{App: app, Sort: catalogue.SortViews, After: p.Next[:len(p.Next)-1] + "A"},          // check edited
			{App: app, Sort: catalogue.SortViews, After: "v1" + strings.Repeat("A", 40) + ".x"}, // made up
			{App: app, Sort: catalogue.SortViews, Text: "Room", After: p.Next},                  // another search
			{App: app, Sort: catalogue.SortName, After: p.Next},                                 // another sort
			{App: "other", Sort: catalogue.SortViews, After: p.Next},                            // another app
			{App: app, Sort: catalogue.SortViews, After: p.Next + strings.Repeat("x", 600)},     // too long
			{App: app, Sort: catalogue.SortViews, After: "1693271355-1231"},                     // Tencent's
		}
		for i, q := range bad {
			if _, err := s.Search(ctx, q); !errors.Is(err, catalogue.ErrBadCursor) {
				t.Errorf("bad cursor %d: %v, want ErrBadCursor", i, err)
			}
		}
	})
}

// A later state replaces an earlier one; a room read by id that is not
// public is kept as private.
func TestRoomSeenRefreshesTheEntry(t *testing.T) {
	each(t, func(t *testing.T, d db.Dialect) {
		s, c := newStore(t, d)
		ctx := context.Background()
		s.RoomSeen(ctx, app, room("live_1", "Old name", 5), rooms.SeenList)
		c.tick()
		s.RoomSeen(ctx, app, room("live_1", "New name", 6, func(r *tencent.RoomInfo) { r.IsPublicVisible = false }), rooms.SeenRead)
		r, ok, err := s.Get(ctx, app, "live_1")
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if r.RoomName != "New name" || r.ViewCount != 6 || r.Presence != catalogue.Private || r.SeenHow != rooms.SeenRead || !r.SeenAt.Equal(c.t) {
			t.Errorf("entry %+v", r)
		}
		if p, _ := s.Search(ctx, catalogue.Query{App: app, Text: "old"}); len(p.Rooms) != 0 {
			t.Errorf("the old name is still found: %q", ids(p))
		}
		if p, _ := s.Search(ctx, catalogue.Query{App: app, Text: "new name"}); len(p.Rooms) != 1 {
			t.Errorf("the new name is not found: %q", ids(p))
		}

		// A list item carries only some fields: the others keep what the
		// read found, and a listed room is public.
		c.tick()
		s.RoomSeen(ctx, app, room("live_2", "Read", 1, func(r *tencent.RoomInfo) {
			r.IsMessageDisabled, r.Notice, r.MaxMemberCount = true, "Be kind", 300
		}), rooms.SeenRead)
		read := c.t
		c.tick()
		s.RoomSeen(ctx, app, tencent.RoomInfo{RoomId: "live_2", RoomName: "Listed", ViewCount: 99}, rooms.SeenList)
		r, _, _ = s.Get(ctx, app, "live_2")
		if r.RoomName != "Listed" || r.ViewCount != 99 || !bool(r.IsMessageDisabled) || r.Notice != "Be kind" ||
			r.MaxMemberCount != 300 || !r.IsPublicVisible || r.Presence != catalogue.Listed || !r.Detailed || !r.DetailAt.Equal(read) {
			t.Errorf("after a list item: %+v", r)
		}
	})
}

func TestParseQuery(t *testing.T) {
	q, bad := catalogue.ParseQuery(app, url.Values{"q": {"  拉面 "}, "category": {"7"}, "status": {"x"},
		"muted": {"yes"}, "listed": {"maybe"}, "seat": {"ApplyToTake"}, "sort": {"name"}, "cursor": {"v1abc"}})
	if q.Text != "拉面" || *q.Category != 7 || q.Status != nil || !*q.Muted || q.Listed != nil ||
		q.SeatMode != "ApplyToTake" || q.Sort != catalogue.SortName || q.After != "v1abc" {
		t.Errorf("query %+v", q)
	}
	if len(bad) != 2 || bad["status"] == "" || bad["listed"] == "" {
		t.Errorf("messages %q", bad)
	}
	if v := q.Values().Encode(); v != "category=7&muted=yes&q=%E6%8B%89%E9%9D%A2&seat=ApplyToTake&sort=name" {
		t.Errorf("values %s", v)
	}
	for _, text := range []string{strings.Repeat("a", catalogue.MaxText+1), "a\x1bb", "a\u202eb", "\xff"} {
		if q, bad := catalogue.ParseQuery(app, url.Values{"q": {text}}); bad["q"] == "" || q.Text != "" {
			t.Errorf("%q accepted", text)
		}
	}
}
