package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

type listPage struct {
	Next     string
	RoomList []struct {
		RoomID    string `json:"RoomId"`
		ViewCount int64
	}
}

func listOnce(t *testing.T, a answer) listPage {
	t.Helper()
	var p listPage
	if err := json.Unmarshal(a.Response, &p); err != nil {
		t.Fatalf("Response: %v: %s", err, a.Response)
	}
	return p
}

func TestListWalk(t *testing.T) {
	for _, count := range []int{1, 7, 20} {
		t.Run(fmt.Sprintf("Count %d", count), func(t *testing.T) {
			e, srv := newServer(t, Config{Seed: true, Quotas: map[string]int{CmdGetRoomList: 0}})
			var want []Room
			for _, id := range e.RoomIDs() {
				if r, _ := e.Room(id); r.IsPublicVisible {
					want = append(want, r)
				}
			}
			slices.SortFunc(want, func(a, b Room) int {
				if a.ViewCount != b.ViewCount {
					return int(b.ViewCount - a.ViewCount)
				}
				return cmpString(a.RoomID, b.RoomID)
			})

			var got []string
			next := ""
			for pages := 0; ; pages++ {
				if pages > 100 {
					t.Fatal("walk does not end")
				}
				a := call(t, srv, CmdGetRoomList, fmt.Sprintf(`{"Next":%q,"Count":%d}`, next, count))
				wantCode(t, a, 0)
				p := listOnce(t, a)
				if len(p.RoomList) > count {
					t.Fatalf("page of %d rooms, Count %d", len(p.RoomList), count)
				}
				for _, r := range p.RoomList {
					got = append(got, r.RoomID)
				}
				if p.Next == "" {
					break
				}
				if len(p.RoomList) != count {
					t.Fatalf("short page (%d) with a Next", len(p.RoomList))
				}
				next = p.Next
			}
			wantIDs := make([]string, len(want))
			for i, r := range want {
				wantIDs[i] = r.RoomID
			}
			if !slices.Equal(got, wantIDs) {
				t.Errorf("walk:\n got %v\nwant %v", got, wantIDs)
			}
			if len(got) == e.Rooms() {
				t.Error("private rooms were listed")
			}
		})
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// A room destroyed between pages must not make the walk skip or repeat.
func TestListCursorSurvivesDeletion(t *testing.T) {
	e, srv := newServer(t, Config{Seed: true})
	p1 := listOnce(t, call(t, srv, CmdGetRoomList, `{"Next":"","Count":5}`))
	e.DeleteRoom(p1.RoomList[4].RoomID) // the cursor's own room
	p2 := listOnce(t, call(t, srv, CmdGetRoomList, fmt.Sprintf(`{"Next":%q,"Count":5}`, p1.Next)))
	full := listOnce(t, call(t, srv, CmdGetRoomList, `{"Next":"","Count":10}`))
	if full.RoomList[4].RoomID != p2.RoomList[0].RoomID {
		t.Errorf("after deletion, page 2 starts at %s, want %s", p2.RoomList[0].RoomID, full.RoomList[4].RoomID)
	}
}

func TestListRequests(t *testing.T) {
	tests := []struct {
		name, body string
		code       int
		rooms      int
	}{
		{"missing count", `{"Next":""}`, 100002, 0},
		{"zero count", `{"Next":"","Count":0}`, 100002, 0},
		{"count 20", `{"Next":"","Count":20}`, 0, 20},
		{"count 1", `{"Next":"","Count":1}`, 0, 1},
		{"count 5.0", `{"Next":"","Count":5.0}`, 100002, 0},
		{"count null", `{"Next":"","Count":null}`, 100002, 0},
		{"console first cursor", `{"Next":"0","Count":3}`, 0, 3},
		{"count 21", `{"Next":"","Count":21}`, 100002, 0},
		{"negative count", `{"Next":"","Count":-1}`, 100002, 0},
		{"count string", `{"Next":"","Count":"5"}`, 100002, 0},
		{"missing Next", `{"Count":5}`, 100002, 0},
		{"Next number", `{"Next":0,"Count":5}`, 100002, 0},
		{"forged Next", `{"Next":"garbage","Count":5}`, 100002, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := newServer(t, Config{Seed: true})
			a := call(t, srv, CmdGetRoomList, tc.body)
			wantCode(t, a, tc.code)
			if tc.code == 0 {
				if p := listOnce(t, a); len(p.RoomList) != tc.rooms {
					t.Errorf("%d rooms, want %d", len(p.RoomList), tc.rooms)
				}
			}
		})
	}
}

func TestListEmpty(t *testing.T) {
	_, srv := newServer(t, Config{})
	a := call(t, srv, CmdGetRoomList, `{"Next":"","Count":20}`)
	wantCode(t, a, 0)
	if string(a.Response) != `{"Next":"","RoomList":[]}` {
		t.Errorf("empty list Response = %s", a.Response)
	}
}

func TestListItemFields(t *testing.T) {
	_, srv := newServer(t, Config{Seed: true})
	a := call(t, srv, CmdGetRoomList, `{"Next":"","Count":1}`)
	var p struct{ RoomList []map[string]any }
	if err := json.Unmarshal(a.Response, &p); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range p.RoomList[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"ActivityStatus", "Category", "CoverURL", "CreateTime", "Owner_Account", "RoomId", "RoomName", "ViewCount"}
	if !slices.Equal(keys, want) {
		t.Errorf("list item fields %v, want %v", keys, want)
	}
}
