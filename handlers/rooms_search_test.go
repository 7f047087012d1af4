package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

func rowIDs(t *testing.T, r *apptest.Response) []string {
	t.Helper()
	var out []string
	testid(doc(t, r), "room-row").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-room-id", ""))
	})
	return out
}

// tencentCalls counts the default app's calls of every room command.
func tencentCalls(env *apptest.Env) int {
	return env.Emulator.Calls(tencent.CmdGetRoomList) + env.Emulator.Calls(tencent.CmdGetRoomInfo) +
		env.Emulator.Calls(tencent.CmdUpdateRoomInfo)
}

// Until the catalogue holds the app's list, /rooms pages Tencent's list and
// says so; after a sweep it answers from the catalogue, searching by part
// of a name (Chinese too), a RoomId prefix or an owner, without calling
// Tencent, and its pages keep the search.
func TestRoomsSearchTheCatalogue(t *testing.T) {
	env, c := newRoomsEnv(t)
	env.Emulator.PutRoom(emulator.Room{RoomID: "ramen_1", RoomName: "Ramen Quokka 拉面之夜", OwnerAccount: "chef_zxq",
		RoomType: emulator.RoomTypeLive, IsPublicVisible: true, ViewCount: 3, TakeSeatMode: "FreeToTake", Category: []int{7}})

	d := doc(t, c.Get("/rooms"))
	if f := testid(d, "catalogue-freshness"); f.Length() != 1 || f.AttrOr("data-source", "") != "tencent" ||
		!strings.Contains(f.Text(), "Tencent's own list") {
		t.Fatalf("before any sweep: freshness %q", f.Text())
	}
	if testid(d, "room-search").AttrOr("data-slash-focus", "x") == "x" {
		t.Error("the search box is not the one '/' focuses")
	}

	if err := env.SweepCatalogue(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := c.Get("/rooms")
	d = doc(t, r)
	if testid(d, "catalogue-freshness").AttrOr("data-source", "") != "catalogue" || testid(d, "catalogue-as-of").Length() != 1 ||
		len(rowIDs(t, r)) != 20 {
		t.Fatalf("after a sweep: %s", r)
	}
	next := testid(d, "next-page").AttrOr("hx-get", "")
	if !strings.Contains(next, "cursor=v1") {
		t.Fatalf("next page link %q", next)
	}
	if r := c.Get(next, apptest.HTMX...); r.StatusCode != http.StatusOK || len(rowIDs(t, r)) != 20 ||
		testid(doc(t, r), "prev-page").Length() != 1 || strings.Contains(r.Body, "<html") {
		t.Fatalf("page 2: %s", r)
	}

	before := tencentCalls(env)
	for _, q := range []string{"拉面", "面之夜", "amen QUOK", "ramen_", "chef_zx"} {
		r := c.Get("/rooms?q=" + url.QueryEscape(q))
		if ids := rowIDs(t, r); r.StatusCode != http.StatusOK || len(ids) != 1 || ids[0] != "ramen_1" {
			t.Errorf("q=%q: %d %q", q, r.StatusCode, ids)
		}
	}
	if r := c.Get("/rooms?q=ramen&category=7&sort=name"); len(rowIDs(t, r)) != 1 ||
		testid(doc(t, r), "filter-sort").Find("option[selected]").AttrOr("value", "") != "name" {
		t.Errorf("filtered and sorted: %s", r)
	}
	if r := c.Get("/rooms?q=" + url.QueryEscape("no such room 无")); testid(doc(t, r), "rooms-no-match").Length() != 1 {
		t.Errorf("no match: %s", r)
	}
	if n := tencentCalls(env) - before; n != 0 {
		t.Errorf("searching made %d Tencent calls", n)
	}

	// A search's next page keeps the search.
	r = c.Get("/rooms?q=live")
	if next := testid(doc(t, r), "next-page").AttrOr("hx-get", ""); !strings.Contains(next, "q=live") {
		t.Errorf("next page of a search: %q", next)
	}

	// Opening a room reads it from Tencent, and what it read refreshes the
	// catalogue.
	room, _ := env.Emulator.Room("ramen_1")
	room.RoomName = "Udon Night 乌冬之夜"
	env.Emulator.PutRoom(room)
	infos := env.Emulator.Calls(tencent.CmdGetRoomInfo)
	if r := c.Get("/rooms/ramen_1"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Udon Night") ||
		env.Emulator.Calls(tencent.CmdGetRoomInfo) != infos+1 {
		t.Fatalf("open: %s", r)
	}
	if ids := rowIDs(t, c.Get("/rooms?q="+url.QueryEscape("乌冬"))); len(ids) != 1 {
		t.Errorf("the name read on opening is not in the catalogue: %q", ids)
	}
}

// Bad search input is refused with a message by the field, and a cursor
// that was not made by this search starts the pages over; neither calls
// Tencent.
func TestRoomsSearchBadInput(t *testing.T) {
	env, c := newRoomsEnv(t)
	if err := env.SweepCatalogue(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := tencentCalls(env)
	r := c.Get("/rooms?category=seven&muted=perhaps")
	d := doc(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || testid(d, "filter-category-error").Text() == "" ||
		testid(d, "filter-muted-error").Text() == "" || testid(d, "filter-category").AttrOr("value", "") != "seven" {
		t.Errorf("bad filters: %s", r)
	}
	// A refused sort is said so, and not swapped for the default one.
	r = c.Get("/rooms?sort=bogus")
	d = doc(t, r)
	if r.StatusCode != http.StatusUnprocessableEntity || testid(d, "filter-sort-error").Text() == "" ||
		testid(d, "filter-sort").Find("option[selected]").Length() != 0 {
		t.Errorf("bad sort: %d, selected %q", r.StatusCode, testid(d, "filter-sort").Find("option[selected]").AttrOr("value", ""))
	}
	for _, cur := range []string{"1693271355-123123123123", "v1eyJzIjoidmlld3MiLCJpIjoieCJ9.AAAA", "\xff\xfe"} {
		r := c.Get("/rooms?cursor=" + url.QueryEscape(cur))
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "page link is not valid") {
			t.Errorf("cursor %q: %d", cur, r.StatusCode)
		}
	}
	if n := tencentCalls(env) - before; n != 0 {
		t.Errorf("bad input made %d Tencent calls", n)
	}
}

// Each app has its own catalogue: a room of Demo SG is found in Demo SG
// and not in Demo CN.
func TestRoomsSearchIsPerApp(t *testing.T) {
	env, c := newRoomsEnv(t)
	env.Emulators["demo-sg"].PutRoom(emulator.Room{RoomID: "sg_only", RoomName: "Singapore Sling 新加坡", RoomType: emulator.RoomTypeLive,
		IsPublicVisible: true, ViewCount: 1, TakeSeatMode: "FreeToTake"})
	if err := env.SweepCatalogue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ids := rowIDs(t, c.Get("/apps/demo-sg/rooms?q=sling")); len(ids) != 1 || ids[0] != "sg_only" {
		t.Errorf("Demo SG: %q", ids)
	}
	if ids := rowIDs(t, c.Get("/apps/demo-cn/rooms?q=sling")); len(ids) != 0 {
		t.Errorf("Demo CN: %q", ids)
	}
}
