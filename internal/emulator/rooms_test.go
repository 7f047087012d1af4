package emulator

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestGetRoomInfo(t *testing.T) {
	e, srv := newServer(t, Config{})
	e.PutRoom(baseRoom())
	tests := []struct {
		name, body string
		code       int
	}{
		{"found", `{"RoomId":"room-1"}`, 0},
		{"missing RoomId", `{}`, 100002},
		{"empty RoomId", `{"RoomId":""}`, 100002},
		{"number RoomId", `{"RoomId":5}`, 100002},
		{"unknown room", `{"RoomId":"room-2"}`, 100004},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, srv, CmdGetRoomInfo, tc.body)
			wantCode(t, a, tc.code)
			if tc.code != 0 {
				if a.Response != nil {
					t.Errorf("FAIL answer carries Response %s", a.Response)
				}
				return
			}
			var resp struct{ RoomInfo map[string]any }
			if err := json.Unmarshal(a.Response, &resp); err != nil {
				t.Fatal(err)
			}
			for _, field := range []string{"RoomId", "RoomName", "RoomType", "Owner_Account", "CreateTime",
				"IsSeatEnabled", "TakeSeatMode", "MaxSeatCount", "MaxMemberCount", "IsMessageDisabled",
				"CoverURL", "Category", "ActivityStatus", "ViewCount", "IsPublicVisible", "Notice"} {
				if _, ok := resp.RoomInfo[field]; !ok {
					t.Errorf("RoomInfo lacks %s", field)
				}
			}
			if got := resp.RoomInfo["Owner_Account"]; got != "host_1" {
				t.Errorf("Owner_Account = %#v, want the string host_1", got)
			}
		})
	}
}

func TestUpdateValidation(t *testing.T) {
	name100 := strings.Repeat("直播", 16) + "🎤" // 100 bytes, 33 runes
	tests := []struct {
		name  string
		info  string // the RoomInfo members after RoomId
		code  int
		check func(r *Room) // what the room must look like after a success
	}{
		{"RoomName 100 bytes multibyte", `"RoomName":"` + name100 + `"`, 0, func(r *Room) { r.RoomName = name100 }},
		{"RoomName 101 bytes", `"RoomName":"` + name100 + `!"`, 100002, nil},
		{"RoomName 99 ASCII + 2-byte rune", `"RoomName":"` + strings.Repeat("a", 99) + `é"`, 100002, nil},
		{"RoomName number", `"RoomName":7`, 100002, nil},
		{"RoomName null", `"RoomName":null`, 100002, nil},
		{"CoverURL 200 bytes", `"CoverURL":"https://` + strings.Repeat("c", 192) + `"`, 0,
			func(r *Room) { r.CoverURL = "https://" + strings.Repeat("c", 192) }},
		{"CoverURL 201 bytes", `"CoverURL":"https://` + strings.Repeat("c", 193) + `"`, 100002, nil},
		{"Notice 100 bytes", `"Notice":"` + strings.Repeat("n", 100) + `"`, 0, func(r *Room) { r.Notice = strings.Repeat("n", 100) }},
		{"Notice 101 bytes", `"Notice":"` + strings.Repeat("n", 101) + `"`, 100002, nil},
		{"Category 3", `"Category":[0,2,3]`, 0, func(r *Room) { r.Category = []int{0, 2, 3} }},
		{"Category empty", `"Category":[]`, 0, func(r *Room) { r.Category = []int{} }},
		{"Category 4", `"Category":[0,1,2,3]`, 100009, nil},
		{"Category strings", `"Category":["game"]`, 100002, nil},
		{"Category not array", `"Category":1`, 100002, nil},
		{"TakeSeatMode ApplyToTake", `"TakeSeatMode":"ApplyToTake"`, 0, func(r *Room) { r.TakeSeatMode = SeatApplyToTake }},
		{"TakeSeatMode FreeToTake", `"TakeSeatMode":"FreeToTake"`, 0, func(r *Room) { r.TakeSeatMode = SeatFreeToTake }},
		{"TakeSeatMode 2 is not a string", `"TakeSeatMode":2`, 100002, nil},
		{"TakeSeatMode 1 is not a string", `"TakeSeatMode":1`, 100002, nil},
		{"TakeSeatMode \"1\"", `"TakeSeatMode":"1"`, 100002, nil},
		{"TakeSeatMode other", `"TakeSeatMode":"Apply"`, 100002, nil},
		{"TakeSeatMode 3", `"TakeSeatMode":3`, 100002, nil},
		{"MaxMemberCount 1", `"MaxMemberCount":1`, 0, func(r *Room) { r.MaxMemberCount = 1 }},
		{"MaxMemberCount 0", `"MaxMemberCount":0`, 100002, nil},
		{"MaxMemberCount string", `"MaxMemberCount":"10"`, 100002, nil},
		{"MaxMemberCount fraction", `"MaxMemberCount":1.5`, 100002, nil},
		{"IsMessageDisabled", `"IsMessageDisabled":true`, 0, func(r *Room) { r.IsMessageDisabled = true }},
		{"IsMessageDisabled string", `"IsMessageDisabled":"true"`, 100002, nil},
		{"IsPublicVisible", `"IsPublicVisible":false`, 0, func(r *Room) { r.IsPublicVisible = false }},
		{"ActivityStatus", `"ActivityStatus":7`, 0, func(r *Room) { r.ActivityStatus = 7 }},
		{"ActivityStatus bool", `"ActivityStatus":true`, 100002, nil},
		{"unknown fields ignored", `"IsUnlimitedRoomEnabled":true,"ViewCount":1,"RoomType":"Voice"`, 0, func(*Room) {}},
		{"one bad field refuses all", `"RoomName":"ok","Category":[1,2,3,4]`, 100009, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, srv := newServer(t, Config{})
			e.PutRoom(baseRoom())
			a := call(t, srv, CmdUpdateRoomInfo, `{"RoomInfo":{"RoomId":"room-1",`+tc.info+`}}`)
			wantCode(t, a, tc.code)
			want := baseRoom()
			wantUpdates := 0
			if tc.check != nil {
				tc.check(&want)
				wantUpdates = 1
			}
			got, _ := e.Room("room-1")
			if !reflect.DeepEqual(got, want) {
				t.Errorf("room after update:\n got %+v\nwant %+v", got, want)
			}
			if n := e.UpdateCount("room-1"); n != wantUpdates {
				t.Errorf("UpdateCount = %d, want %d", n, wantUpdates)
			}
		})
	}
}

func TestUpdateRoomErrors(t *testing.T) {
	tests := []struct {
		name, body string
		code       int
	}{
		{"no RoomInfo", `{"RoomId":"room-1"}`, 100002},
		{"RoomInfo not object", `{"RoomInfo":"room-1"}`, 100002},
		{"no RoomId", `{"RoomInfo":{"RoomName":"x"}}`, 100002},
		{"unknown room", `{"RoomInfo":{"RoomId":"room-9","RoomName":"x"}}`, 100004},
		{"not a Live room", `{"RoomInfo":{"RoomId":"voice-1","RoomName":"x"}}`, 100006},
		{"RoomId only", `{"RoomInfo":{"RoomId":"room-1"}}`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, srv := newServer(t, Config{})
			e.PutRoom(baseRoom())
			voice := baseRoom()
			voice.RoomID, voice.RoomType = "voice-1", "Voice"
			e.PutRoom(voice)
			wantCode(t, call(t, srv, CmdUpdateRoomInfo, tc.body), tc.code)
		})
	}
}

func TestPartialUpdate(t *testing.T) {
	e, srv := newServer(t, Config{Seed: true})
	before, ok := e.Room("live_1001")
	if !ok {
		t.Fatal("seed room live_1001 missing")
	}
	wantCode(t, call(t, srv, CmdUpdateRoomInfo, `{"RoomInfo":{"RoomId":"live_1001","RoomName":"Renamed","IsUnlimitedRoomEnabled":true}}`), 0)
	after, _ := e.Room("live_1001")
	want := before
	want.RoomName = "Renamed"
	if !reflect.DeepEqual(after, want) {
		t.Errorf("only RoomName may change:\n got %+v\nwant %+v", after, want)
	}
	bodies := e.Bodies(CmdUpdateRoomInfo)
	if len(bodies) != 1 || !strings.Contains(string(bodies[0]), `"Renamed"`) {
		t.Errorf("Bodies = %q", bodies)
	}
}

func TestCreateAndDestroy(t *testing.T) {
	e, srv := newServer(t, Config{})
	id48 := strings.Repeat("r", 48)
	tests := []struct {
		name, body string
		code       int
	}{
		{"create", `{"RoomInfo":{"RoomId":"new-1","RoomType":"Live","SeatTemplate":"VideoDynamicGrid9Seats","IsUnlimitedRoomEnabled":true}}`, 0},
		{"duplicate", `{"RoomInfo":{"RoomId":"new-1","RoomType":"Live"}}`, 100003},
		{"48-byte id", `{"RoomInfo":{"RoomId":"` + id48 + `","RoomType":"Live","RoomName":"Full","Owner_Account":"host_9","Category":[1,2]}}`, 0},
		{"49-byte id", `{"RoomInfo":{"RoomId":"` + id48 + `x","RoomType":"Live"}}`, 100002},
		{"non-ASCII id", `{"RoomInfo":{"RoomId":"房间","RoomType":"Live"}}`, 100002},
		{"missing RoomType", `{"RoomInfo":{"RoomId":"new-2"}}`, 100002},
		{"wrong RoomType", `{"RoomInfo":{"RoomId":"new-2","RoomType":"Voice"}}`, 100015},
		{"too many categories", `{"RoomInfo":{"RoomId":"new-2","RoomType":"Live","Category":[1,2,3,4]}}`, 100009},
		{"destroy", `destroy:{"RoomId":"new-1"}`, 0},
		{"destroy again", `destroy:{"RoomId":"new-1"}`, 100004},
		{"destroy no id", `destroy:{}`, 100002},
	}
	for _, tc := range tests { // sequential: each step builds on the last
		command, body := CmdCreateRoom, tc.body
		if b, ok := strings.CutPrefix(body, "destroy:"); ok {
			command, body = CmdDestroyRoom, b
		}
		t.Run(tc.name, func(t *testing.T) { wantCode(t, call(t, srv, command, body), tc.code) })
	}
	if _, ok := e.Room("new-1"); ok {
		t.Error("new-1 still exists after destroy_room")
	}
	r, ok := e.Room(id48)
	if !ok {
		t.Fatal("48-byte room missing")
	}
	if r.RoomName != "Full" || r.OwnerAccount != "host_9" || r.TakeSeatMode != SeatFreeToTake ||
		r.MaxMemberCount != 1000 || r.RoomType != RoomTypeLive || !reflect.DeepEqual(r.Category, []int{1, 2}) {
		t.Errorf("created room = %+v", r)
	}
	wantCode(t, call(t, srv, CmdCreateRoom, `{"RoomInfo":{"RoomId":"new-3","RoomType":"Live"}}`), 0)
	if r, _ := e.Room("new-3"); r.RoomName != "new-3" || r.OwnerAccount != testAdmin {
		t.Errorf("defaults: RoomName %q (want the id), Owner_Account %q (want the caller)", r.RoomName, r.OwnerAccount)
	}
}

func TestDestroyNotLive(t *testing.T) {
	e, srv := newServer(t, Config{})
	r := baseRoom()
	r.RoomType = "Voice"
	e.PutRoom(r)
	wantCode(t, call(t, srv, CmdDestroyRoom, `{"RoomId":"room-1"}`), 100006)
}

func TestSeed(t *testing.T) {
	a := New(Config{Seed: true, Now: func() time.Time { return time.Unix(1750000000, 0) }})
	b := New(Config{Seed: true, Now: func() time.Time { return time.Unix(1750000000, 0) }})
	if n := a.Rooms(); n < 55 || n > 65 {
		t.Errorf("seed has %d rooms, want about 60", n)
	}
	if !reflect.DeepEqual(a.RoomIDs(), b.RoomIDs()) {
		t.Fatal("seed ids differ between runs")
	}
	private := 0
	for _, id := range a.RoomIDs() {
		ra, _ := a.Room(id)
		rb, _ := b.Room(id)
		if !reflect.DeepEqual(ra, rb) {
			t.Fatalf("seed room %s differs between runs", id)
		}
		if !ra.IsPublicVisible {
			private++
		}
		if len(ra.RoomName) > maxRoomNameBytes || len(ra.CoverURL) > maxCoverURLBytes ||
			len(ra.Category) > maxCategories || len(ra.RoomID) > maxRoomIDBytes || ra.RoomType != RoomTypeLive {
			t.Errorf("seed room %s breaks a documented limit: %+v", id, ra)
		}
		if age := 1750000000 - ra.CreateTime; age < 0 || age > 14*24*3600 {
			t.Errorf("seed room %s CreateTime %d not within 14 days before Now", id, ra.CreateTime)
		}
	}
	if private == 0 {
		t.Error("no private rooms in the seed")
	}
	if New(Config{}).Rooms() != 0 {
		t.Error("rooms without Seed")
	}
}

// The seeded odd-shaped rooms answer in each documented shape, with the
// console's extra fields, in get_room_info and in get_room_list.
func TestSeedShapes(t *testing.T) {
	_, srv := newServer(t, Config{Seed: true})
	info := func(id string) map[string]json.RawMessage {
		t.Helper()
		var resp struct{ RoomInfo map[string]json.RawMessage }
		if err := json.Unmarshal(call(t, srv, CmdGetRoomInfo, `{"RoomId":"`+id+`"}`).Response, &resp); err != nil {
			t.Fatal(err)
		}
		return resp.RoomInfo
	}
	want := []struct{ id, field, raw string }{
		{"live_1012", "Owner_Account", `144115233775727695`},
		{"live_1013", "TakeSeatMode", `^[12]$`},
		{"live_1014", "IsMessageDisabled", `^"(true|false)"$`},
		{"live_1016", "OnlineCount", `^37$`},
		{"live_1016", "IsUnlimitedRoomEnabled", `^true$`},
		{"live_1016", "CustomInfo", `^"\{`},
		{"live_1017", "Owner_Account", `^10086$`},
		{"live_1017", "CustomInfo", `^\{"sponsor"`},
		{"live_1001", "Owner_Account", `^"`}, // ordinary rooms keep the table's shape
		{"live_1001", "TakeSeatMode", `^"`},
		{"live_1001", "IsMessageDisabled", `^(true|false)$`},
	}
	for _, w := range want {
		got := string(info(w.id)[w.field])
		if !regexp.MustCompile(w.raw).MatchString(got) {
			t.Errorf("%s %s = %s, want %s", w.id, w.field, got, w.raw)
		}
	}
	if _, ok := info("live_1001")["OnlineCount"]; ok {
		t.Error("an ordinary room carries undocumented fields")
	}
	// The list: numbers and extras show there too; TakeSeatMode does not
	// (the list has no such field).
	seen := map[string]map[string]json.RawMessage{}
	next := ""
	for range 10 {
		var page struct {
			Next     string
			RoomList []map[string]json.RawMessage
		}
		if err := json.Unmarshal(call(t, srv, CmdGetRoomList, `{"Next":"`+next+`","Count":20}`).Response, &page); err != nil {
			t.Fatal(err)
		}
		for _, item := range page.RoomList {
			var id string
			_ = json.Unmarshal(item["RoomId"], &id)
			seen[id] = item
		}
		if next = page.Next; next == "" {
			break
		}
	}
	for _, id := range []string{"live_1012", "live_1013", "live_1014", "live_1016", "live_1017"} {
		if seen[id] == nil {
			t.Fatalf("%s is not in the list", id)
		}
	}
	if got := string(seen["live_1012"]["Owner_Account"]); got != "144115233775727695" {
		t.Errorf("list Owner_Account %s", got)
	}
	if _, ok := seen["live_1013"]["TakeSeatMode"]; ok {
		t.Error("a list item gained TakeSeatMode")
	}
	if got := string(seen["live_1016"]["OnlineCount"]); got != "37" {
		t.Errorf("list OnlineCount %s", got)
	}
}

// An update keeps the room's shape: it answers as before, with the new value.
func TestShapeSurvivesUpdate(t *testing.T) {
	e, srv := newServer(t, Config{Seed: true})
	wantCode(t, call(t, srv, CmdUpdateRoomInfo, `{"RoomInfo":{"RoomId":"live_1013","TakeSeatMode":"ApplyToTake"}}`), 0)
	var resp struct{ RoomInfo map[string]json.RawMessage }
	_ = json.Unmarshal(call(t, srv, CmdGetRoomInfo, `{"RoomId":"live_1013"}`).Response, &resp)
	if got := string(resp.RoomInfo["TakeSeatMode"]); got != "2" {
		t.Errorf("TakeSeatMode %s after the update, want 2", got)
	}
	if r, _ := e.Room("live_1013"); r.TakeSeatMode != SeatApplyToTake || !r.Wire.SeatModeAsInt {
		t.Errorf("room %+v", r)
	}
}

// Override replaces a documented field's value, in the detail and the list.
func TestWireOverride(t *testing.T) {
	e, srv := newServer(t, Config{})
	r := baseRoom()
	r.Wire = Wire{Override: map[string]json.RawMessage{"ViewCount": json.RawMessage(`"lots"`), "Nope": json.RawMessage(`1`)}}
	e.PutRoom(r)
	var info struct{ RoomInfo map[string]json.RawMessage }
	_ = json.Unmarshal(call(t, srv, CmdGetRoomInfo, `{"RoomId":"room-1"}`).Response, &info)
	var list struct{ RoomList []map[string]json.RawMessage }
	_ = json.Unmarshal(call(t, srv, CmdGetRoomList, `{"Next":"","Count":5}`).Response, &list)
	if len(list.RoomList) != 1 {
		t.Fatalf("list %v", list.RoomList)
	}
	for _, m := range []map[string]json.RawMessage{info.RoomInfo, list.RoomList[0]} {
		if string(m["ViewCount"]) != `"lots"` {
			t.Errorf("ViewCount %s, want the override", m["ViewCount"])
		}
		if _, ok := m["Nope"]; ok {
			t.Error("Override added a field that is not documented")
		}
	}
}
