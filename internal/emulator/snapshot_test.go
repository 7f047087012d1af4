package emulator

import (
	"encoding/json"
	"reflect"
	"sync/atomic"
	"testing"
)

// A snapshot carries every room, shapes included, into a fresh emulator.
func TestSaveLoadRooms(t *testing.T) {
	var changes atomic.Int64
	e, srv := newServer(t, Config{Seed: true, OnChange: func() { changes.Add(1) }})
	if changes.Load() != 0 {
		t.Fatalf("New reported %d changes", changes.Load())
	}
	wantCode(t, call(t, srv, CmdUpdateRoomInfo, `{"RoomInfo":{"RoomId":"live_1013","RoomName":"Renamed","TakeSeatMode":"ApplyToTake"}}`), 0)
	wantCode(t, call(t, srv, CmdUpdateRoomInfo, `{"RoomInfo":{"RoomId":"nope","RoomName":"x"}}`), 100004) // refused: no change
	wantCode(t, call(t, srv, CmdDestroyRoom, `{"RoomId":"live_1002"}`), 0)
	wantCode(t, call(t, srv, CmdCreateRoom, `{"RoomInfo":{"RoomId":"new-1","RoomType":"Live"}}`), 0)
	wantCode(t, call(t, srv, CmdGetRoomInfo, `{"RoomId":"live_1001"}`), 0) // a read: no change
	e.PutRoom(Room{RoomID: "put-1", Wire: Wire{Extra: map[string]json.RawMessage{"OnlineCount": json.RawMessage(`5`)}}})
	e.DeleteRoom("live_1003")
	if got := changes.Load(); got != 5 {
		t.Errorf("OnChange called %d times, want 5 (update, destroy, create, put, delete)", got)
	}
	data, err := e.SaveRooms()
	if err != nil {
		t.Fatal(err)
	}
	fresh := New(Config{SDKAppID: testAppID, SecretKey: testKey, Seed: true})
	if err := fresh.LoadRooms(data); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fresh.RoomIDs(), e.RoomIDs()) {
		t.Fatalf("rooms %v, want %v", fresh.RoomIDs(), e.RoomIDs())
	}
	for _, id := range e.RoomIDs() {
		a, _ := e.Room(id)
		b, _ := fresh.Room(id)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: loaded %+v, saved %+v", id, b, a)
		}
	}
	if r, _ := fresh.Room("live_1013"); r.RoomName != "Renamed" || !r.Wire.SeatModeAsInt {
		t.Errorf("live_1013 %+v", r)
	}
}

func TestLoadRoomsRefusesBadSnapshots(t *testing.T) {
	for _, data := range []string{`nope`, `{"Version":2,"Rooms":[]}`, `{"Version":1,"Rooms":[{"RoomName":"no id"}]}`} {
		e := New(Config{SDKAppID: testAppID, SecretKey: testKey, Seed: true})
		n := e.Rooms()
		if err := e.LoadRooms([]byte(data)); err == nil {
			t.Errorf("%s: loaded", data)
		}
		if e.Rooms() != n {
			t.Errorf("%s: a refused snapshot changed the rooms", data)
		}
	}
}
