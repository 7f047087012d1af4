package tencent

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

func ptr[T any](v T) *T { return &v }

func TestRequestShape(t *testing.T) {
	tests := []struct {
		name     string
		call     func(*Client) error
		command  string
		wantBody string
	}{
		{"get_room_info", func(c *Client) error {
			_, _, err := c.GetRoomInfo(t.Context(), "r1")
			return err
		}, CmdGetRoomInfo, `{"RoomId":"r1"}`},
		{"get_room_list first page", func(c *Client) error {
			_, _, err := c.GetRoomList(t.Context(), "", 0)
			return err
		}, CmdGetRoomList, `{"Next":"","Count":20}`},
		{"get_room_list next page", func(c *Client) error {
			_, _, err := c.GetRoomList(t.Context(), "1693271355-1", 5)
			return err
		}, CmdGetRoomList, `{"Next":"1693271355-1","Count":5}`},
		{"update_room_info", func(c *Client) error {
			_, err := c.UpdateRoomInfo(t.Context(), RoomUpdate{RoomId: "r1", RoomName: ptr("x")})
			return err
		}, CmdUpdateRoomInfo, `{"RoomInfo":{"RoomId":"r1","RoomName":"x"}}`},
		{"create_room minimal", func(c *Client) error {
			_, err := c.CreateRoom(t.Context(), RoomInfo{RoomId: "live_1"}, "VideoDynamicGrid9Seats")
			return err
		}, CmdCreateRoom, `{"RoomInfo":{"RoomId":"live_1","RoomType":"Live","IsMessageDisabled":false,"IsPublicVisible":false,"IsSeatEnabled":false,"SeatTemplate":"VideoDynamicGrid9Seats"}}`},
		{"create_room full", func(c *Client) error {
			_, err := c.CreateRoom(t.Context(), RoomInfo{
				RoomId: "live_2", RoomType: "ignored", OwnerAccount: "host1", RoomName: "Night show",
				MaxMemberCount: 300, CoverURL: "https://c/x.png", Category: []int{1, 2},
				IsPublicVisible: true, IsSeatEnabled: true, TakeSeatMode: SeatApplyToTake,
				MaxSeatCount: 8, ActivityStatus: 3, CreateTime: 99, ViewCount: 5,
			}, "AudioSalon")
			return err
		}, CmdCreateRoom, `{"RoomInfo":{"RoomId":"live_2","RoomType":"Live","Owner_Account":"host1","RoomName":"Night show","MaxMemberCount":300,"CoverURL":"https://c/x.png","IsMessageDisabled":false,"Category":[1,2],"IsPublicVisible":true,"IsSeatEnabled":true,"TakeSeatMode":"ApplyToTake","MaxSeatCount":8,"ActivityStatus":3,"SeatTemplate":"AudioSalon"}}`},
		{"destroy_room", func(c *Client) error {
			_, err := c.DestroyRoom(t.Context(), "r9")
			return err
		}, CmdDestroyRoom, `{"RoomId":"r9"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(int, seen) reply {
				return reply{body: okBody(`{"RoomInfo":{"RoomId":"r1"},"RoomList":[],"Next":""}`)}
			})
			if err := tc.call(f.client(t, nil)); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			checkRequest(t, reqs[0], tc.command)
			if got := string(reqs[0].body); got != tc.wantBody {
				t.Errorf("body\n got %s\nwant %s", got, tc.wantBody)
			}
		})
	}
}

// checkRequest asserts everything the docs require of the URL and headers.
func checkRequest(t *testing.T, r seen, command string) {
	t.Helper()
	if r.method != http.MethodPost {
		t.Errorf("method %s, want POST", r.method)
	}
	if want := "/v4/live_engine_http_srv/" + command; r.path != want {
		t.Errorf("path %s, want %s", r.path, want)
	}
	keys := make([]string, 0, len(r.query))
	for k, v := range r.query {
		keys = append(keys, k)
		if len(v) != 1 {
			t.Errorf("query %s has %d values", k, len(v))
		}
	}
	slices.Sort(keys)
	if want := []string{"contenttype", "identifier", "random", "sdkappid", "usersig"}; !slices.Equal(keys, want) {
		t.Errorf("query keys %v, want %v", keys, want)
	}
	if got := r.query.Get("sdkappid"); got != strconv.Itoa(testAppID) {
		t.Errorf("sdkappid %q", got)
	}
	if got := r.query.Get("identifier"); got != testAdmin {
		t.Errorf("identifier %q", got)
	}
	if got := r.query.Get("contenttype"); got != "json" {
		t.Errorf("contenttype %q", got)
	}
	if _, err := strconv.ParseUint(r.query.Get("random"), 10, 32); err != nil {
		t.Errorf("random %q is not a uint32: %v", r.query.Get("random"), err)
	}
	if err := tencentyun.VerifyUserSig(testAppID, testKey, testAdmin, r.query.Get("usersig"), time.Now()); err != nil {
		t.Errorf("usersig does not verify: %v", err)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestRandomDiffersPerRequest(t *testing.T) {
	f := newFake(t, script(fail(100001), fail(100001), ok()))
	c := f.client(t, nil)
	for range 10 {
		if _, err := c.UpdateRoomInfo(t.Context(), RoomUpdate{RoomId: "r1", Notice: ptr("n")}); err != nil {
			t.Fatal(err)
		}
	}
	seenRandom := map[string]bool{}
	for _, r := range f.requests() { // 12 requests, retries included
		if seenRandom[r.query.Get("random")] {
			t.Fatalf("random %s repeated", r.query.Get("random"))
		}
		seenRandom[r.query.Get("random")] = true
	}
	if len(seenRandom) != 12 {
		t.Fatalf("got %d distinct random values over 12 requests", len(seenRandom))
	}
}

func TestUpdateBodies(t *testing.T) {
	tests := []struct {
		name string
		u    RoomUpdate
		want string
	}{
		{"name only", RoomUpdate{RoomId: "r1", RoomName: ptr("x")}, `{"RoomInfo":{"RoomId":"r1","RoomName":"x"}}`},
		{"mute off is sent", RoomUpdate{RoomId: "r1", IsMessageDisabled: ptr(false)}, `{"RoomInfo":{"RoomId":"r1","IsMessageDisabled":false}}`},
		{"clear categories", RoomUpdate{RoomId: "r1", Category: ptr([]int{})}, `{"RoomInfo":{"RoomId":"r1","Category":[]}}`},
		{"zero status is sent", RoomUpdate{RoomId: "r1", ActivityStatus: ptr(0)}, `{"RoomInfo":{"RoomId":"r1","ActivityStatus":0}}`},
		{"several", RoomUpdate{
			RoomId: "r1", CoverURL: ptr("https://c/y.png"), MaxMemberCount: ptr(500), IsPublicVisible: ptr(true),
			TakeSeatMode: ptr("FreeToTake"), Notice: ptr("héllo <b>&"), Category: ptr([]int{3, 1}),
		}, `{"RoomInfo":{"RoomId":"r1","MaxMemberCount":500,"CoverURL":"https://c/y.png","Category":[3,1],"IsPublicVisible":true,"TakeSeatMode":"FreeToTake","Notice":"héllo \u003cb\u003e\u0026"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, script(ok()))
			meta, err := f.client(t, nil).UpdateRoomInfo(t.Context(), tc.u)
			if err != nil {
				t.Fatal(err)
			}
			got := string(f.requests()[0].body)
			if got != tc.want {
				t.Errorf("body\n got %s\nwant %s", got, tc.want)
			}
			if string(meta.RequestBody) != got {
				t.Errorf("Meta.RequestBody %s differs from the body sent %s", meta.RequestBody, got)
			}
		})
	}
}

func TestGetRoomInfoDecoding(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		check   func(t *testing.T, r RoomInfo)
	}{
		{"doc sample, numeric owner", sampleRoomInfo, func(t *testing.T, r RoomInfo) {
			want := RoomInfo{RoomId: "rid-123", RoomName: "rname-123", RoomType: "Live",
				OwnerAccount: "144115233775727695", CreateTime: 1693271354, IsSeatEnabled: true,
				TakeSeatMode: SeatApplyToTake, MaxSeatCount: 8, MaxMemberCount: 300, CoverURL: "https://xxxx.png",
				Category: []int{1, 2, 3}, ActivityStatus: 1, ViewCount: 10, IsPublicVisible: true}
			if !reflect.DeepEqual(r, want) {
				t.Errorf("got  %+v\nwant %+v", r, want)
			}
		}},
		{"integer TakeSeatMode", `{"RoomInfo":{"RoomId":"r","TakeSeatMode":1}}`, func(t *testing.T, r RoomInfo) {
			if r.TakeSeatMode != SeatFreeToTake || r.TakeSeatMode.String() != "FreeToTake" {
				t.Errorf("TakeSeatMode %q", r.TakeSeatMode)
			}
		}},
		{"string IsMessageDisabled", `{"RoomInfo":{"RoomId":"r","IsMessageDisabled":"true","Notice":"hi"}}`, func(t *testing.T, r RoomInfo) {
			if !r.IsMessageDisabled || r.Notice != "hi" {
				t.Errorf("IsMessageDisabled %v Notice %q", r.IsMessageDisabled, r.Notice)
			}
		}},
		{"unknown fields ignored", `{"RoomInfo":{"RoomId":"r","OnlineCount":3,"CustomInfo":{"a":1}}}`, func(t *testing.T, r RoomInfo) {
			if r.RoomId != "r" {
				t.Errorf("RoomId %q", r.RoomId)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, script(reply{body: okBody(tc.payload)}))
			r, meta, err := f.client(t, nil).GetRoomInfo(t.Context(), "rid-123")
			if err != nil {
				t.Fatal(err)
			}
			if meta.RequestID != "Id-ok" || meta.ActionStatus != "OK" || meta.Attempts != 1 {
				t.Errorf("meta %+v", meta)
			}
			tc.check(t, r)
		})
	}
}

func TestGetRoomList(t *testing.T) {
	f := newFake(t, script(reply{body: okBody(sampleRoomList)}))
	c := f.client(t, nil)
	list, _, err := c.GetRoomList(t.Context(), "", 20)
	if err != nil {
		t.Fatal(err)
	}
	if list.Next != "1693271355-123123123123" || len(list.Rooms) != 2 {
		t.Fatalf("list %+v", list)
	}
	if list.Rooms[1].OwnerAccount != "42" || list.Rooms[0].ViewCount != 99 {
		t.Errorf("rooms %+v", list.Rooms)
	}
	for _, n := range []int{-1, 21} {
		if _, _, err := c.GetRoomList(t.Context(), "", n); err == nil {
			t.Errorf("count %d accepted", n)
		}
	}
	if got := len(f.requests()); got != 1 {
		t.Errorf("%d requests; invalid counts must not reach Tencent", got)
	}
}

func TestEmptyPayloads(t *testing.T) {
	f := newFake(t, script(reply{body: okBody(`{"Next":""}`)}, ok()))
	c := f.client(t, nil)
	list, _, err := c.GetRoomList(t.Context(), "", 0)
	if err != nil || list.Rooms == nil || len(list.Rooms) != 0 || list.Next != "" {
		t.Errorf("empty list: %+v, %v", list, err)
	}
	if _, _, err := c.GetRoomInfo(t.Context(), "r1"); err == nil {
		t.Error("get_room_info without Response: no error")
	}
}

func TestKeepAliveReusesConnection(t *testing.T) {
	var conns atomic.Int32
	f := &fake{answer: script(ok()), clock: &fakeClock{}}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	c := f.client(t, nil)
	for range 10 {
		if _, err := c.DestroyRoom(t.Context(), "r1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 10 sequential calls, want 1", n)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer other.Close()
	f := newFake(t, func(int, seen) reply { return reply{} })
	f.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	})
	_, err := f.client(t, nil).DestroyRoom(t.Context(), "r1")
	if err == nil || hits.Load() != 0 {
		t.Fatalf("err %v, hits on the other host %d", err, hits.Load())
	}
	if strings.Contains(err.Error(), testKey) {
		t.Error("error leaks the key")
	}
}

func TestNewConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
		wantURL string
	}{
		{"china default", Config{SDKAppID: 1, SecretKey: "k"}, false, "https://console.tim.qq.com"},
		{"singapore", Config{SDKAppID: 1, SecretKey: "k", Region: "Singapore"}, false, "https://adminapisgp.im.qcloud.com"},
		{"frankfurt", Config{SDKAppID: 1, SecretKey: "k", Region: "frankfurt"}, false, "https://adminapiger.im.qcloud.com"},
		{"endpoint wins", Config{SDKAppID: 1, SecretKey: "k", Region: "usa", Endpoint: "http://127.0.0.1:9090/"}, false, "http://127.0.0.1:9090"},
		{"endpoint prefix", Config{SDKAppID: 1, SecretKey: "k", Endpoint: "http://h/tencent"}, false, "http://h/tencent"},
		{"unknown region", Config{SDKAppID: 1, SecretKey: "k", Region: "mars"}, true, ""},
		{"bad endpoint", Config{SDKAppID: 1, SecretKey: "k", Endpoint: "ftp://h"}, true, ""},
		{"endpoint with query", Config{SDKAppID: 1, SecretKey: "k", Endpoint: "http://h/?a=b"}, true, ""},
		{"no app id", Config{SecretKey: "k"}, true, ""},
		{"no key", Config{SDKAppID: 1}, true, ""},
		{"zero rate", Config{SDKAppID: 1, SecretKey: "k", Rates: map[string]float64{CmdGetRoomInfo: 0}}, true, ""},
		{"negative attempts", Config{SDKAppID: 1, SecretKey: "k", MaxAttempts: -1}, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), tc.cfg.SecretKey+"\"") {
					t.Errorf("error mentions the key: %v", err)
				}
				return
			}
			if got := c.base.String(); got != tc.wantURL {
				t.Errorf("base %s, want %s", got, tc.wantURL)
			}
			if c.maxAttempts != 3 || c.timeout != 5*time.Second || c.sigs.admin != "administrator" || c.sigs.ttl != 24*time.Hour {
				t.Errorf("defaults: attempts %d timeout %v admin %q ttl %v", c.maxAttempts, c.timeout, c.sigs.admin, c.sigs.ttl)
			}
		})
	}
}

func TestRegions(t *testing.T) {
	want := []string{"china", "frankfurt", "jakarta", "seoul", "singapore", "tokyo", "usa"}
	if got := Regions(); !slices.Equal(got, want) {
		t.Errorf("Regions() = %v", got)
	}
	for _, r := range want {
		if d, ok := RegionDomain(r); !ok || !strings.HasSuffix(d, ".qq.com") && !strings.HasSuffix(d, ".im.qcloud.com") {
			t.Errorf("RegionDomain(%q) = %q, %v", r, d, ok)
		}
	}
	if d, _ := RegionDomain("jakarta"); d != "adminapiidn.im.qcloud.com" {
		t.Errorf("jakarta = %q", d)
	}
	if _, ok := RegionDomain("india"); ok {
		t.Error("india is not a supported region")
	}
}

func TestInvalidArgumentsNeverSent(t *testing.T) {
	f := newFake(t, script(ok()))
	c := f.client(t, nil)
	ctx := context.Background()
	checks := []error{
		func() error { _, _, err := c.GetRoomInfo(ctx, ""); return err }(),
		func() error { _, err := c.UpdateRoomInfo(ctx, RoomUpdate{}); return err }(),
		func() error { _, err := c.CreateRoom(ctx, RoomInfo{RoomId: "r"}, ""); return err }(),
		func() error { _, err := c.DestroyRoom(ctx, ""); return err }(),
	}
	for i, err := range checks {
		if err == nil {
			t.Errorf("check %d: no error", i)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// One odd room never breaks a page: each item is decoded on its own, and an
// unreadable one comes back with its RoomId (when readable) and raw JSON.
func TestListDecodesEachRoomOnItsOwn(t *testing.T) {
	page := `{"Next":"n2","RoomList":[
 {"RoomId":"ok-1","RoomName":"a","ViewCount":9},
 {"RoomId":"drift-views","RoomName":"b","ViewCount":"many"},
 {"RoomId":"drift-cat","Category":{"a":1}},
 {"RoomId":"ok-2","RoomName":"c","Owner_Account":42,"ViewCount":3},
 {"RoomId":7,"IsPublicVisible":"yes"},
 {"RoomId":["x"],"ViewCount":1.5},
 null,
 "not an object",
 {"RoomId":"ok-3","Category":[1,2],"IsPublicVisible":true}]}`
	f := newFake(t, script(reply{body: okBody(page)}))
	list, _, err := f.client(t, nil).GetRoomList(t.Context(), "", 20)
	if err != nil {
		t.Fatalf("one odd room failed the page: %v", err)
	}
	var ids []string
	for _, r := range list.Rooms {
		ids = append(ids, r.RoomId)
	}
	if want := []string{"ok-1", "ok-2", "ok-3"}; !slices.Equal(ids, want) || list.Next != "n2" {
		t.Errorf("rooms %v next %q, want %v", ids, list.Next, want)
	}
	want := []struct {
		index  int
		id     string
		raw    string
		reason string
	}{
		{1, "drift-views", `"ViewCount":"many"`, "ViewCount"},
		{2, "drift-cat", `"Category":{"a":1}`, "Category"},
		{4, "7", `"IsPublicVisible":"yes"`, "RoomId"}, // the first unreadable field is named
		{5, "", `"RoomId":["x"]`, ""},
		{6, "", `null`, "no RoomId"},
		{7, "", `"not an object"`, ""},
	}
	if len(list.Unreadable) != len(want) {
		t.Fatalf("unreadable %+v, want %d", list.Unreadable, len(want))
	}
	for i, w := range want {
		got := list.Unreadable[i]
		if got.Index != w.index || got.RoomId != w.id || !strings.Contains(string(got.Raw), w.raw) ||
			got.Reason == "" || !strings.Contains(got.Reason, w.reason) {
			t.Errorf("unreadable[%d] = {%d %q %s %q}, want index %d id %q raw ~%s reason ~%q",
				i, got.Index, got.RoomId, got.Raw, got.Reason, w.index, w.id, w.raw, w.reason)
		}
	}
}

// A RoomList that is not an array is not a page at all.
func TestListNotAnArray(t *testing.T) {
	f := newFake(t, script(reply{body: okBody(`{"Next":"","RoomList":{"RoomId":"x"}}`)}))
	if _, _, err := f.client(t, nil).GetRoomList(t.Context(), "", 20); !errors.Is(err, ErrBadResponse) {
		t.Errorf("err %v, want ErrBadResponse", err)
	}
}

// The live API pages list four domains; the Chat-only ones stay on offer
// but are not confirmed for the live API.
func TestRegionsConfirmed(t *testing.T) {
	want := map[string]struct {
		domain    string
		confirmed bool
	}{
		"china": {"console.tim.qq.com", true}, "singapore": {"adminapisgp.im.qcloud.com", true},
		"usa": {"adminapiusa.im.qcloud.com", true}, "jakarta": {"adminapiidn.im.qcloud.com", true},
		"seoul": {"adminapikr.im.qcloud.com", false}, "tokyo": {"adminapijpn.im.qcloud.com", false},
		"frankfurt": {"adminapiger.im.qcloud.com", false},
	}
	if got := Regions(); len(got) != len(want) {
		t.Fatalf("Regions() = %v", got)
	}
	for name, w := range want {
		d, ok := RegionDomain(name)
		if !ok || d != w.domain || RegionConfirmed(name) != w.confirmed {
			t.Errorf("%s: domain %q %v, confirmed %v; want %q, %v", name, d, ok, RegionConfirmed(name), w.domain, w.confirmed)
		}
	}
	if RegionConfirmed("mars") || !RegionConfirmed(" Singapore ") {
		t.Error("RegionConfirmed does not normalise like RegionDomain")
	}
}
