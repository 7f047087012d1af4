package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app"
	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Demo state survives a restart: a room renamed through the API is still
// renamed after roomdesk stops and starts again on the same data dir, and
// the odd-shaped rooms keep their shapes.
func TestDemoRoomsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	env, err := apptest.Start(apptest.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	name := "Renamed before the restart"
	if _, err := env.Tencent.UpdateRoomInfo(t.Context(), tencent.RoomUpdate{RoomId: "live_1013", RoomName: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Tencent.DestroyRoom(t.Context(), "live_1002"); err != nil {
		t.Fatal(err)
	}
	env.Close()
	if _, err := os.Stat(filepath.Join(dir, app.DemoRoomsFile)); err != nil {
		t.Fatalf("no snapshot after Close: %v", err)
	}

	env, err = apptest.Start(apptest.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	r, _, err := env.Tencent.GetRoomInfo(t.Context(), "live_1013")
	if err != nil || r.RoomName != name {
		t.Fatalf("after the restart: %q, %v; want %q", r.RoomName, err, name)
	}
	if room, _ := env.Emulator.Room("live_1013"); !room.Wire.SeatModeAsInt {
		t.Error("live_1013 lost its documented 1/2 TakeSeatMode shape")
	}
	if _, ok := env.Emulator.Room("live_1002"); ok {
		t.Error("a destroyed room came back")
	}
}

// A snapshot that cannot be read stops the start with a message naming the
// file, and the file is left as it was.
func TestDemoRoomsUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, app.DemoRoomsFile)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, err := apptest.Start(apptest.Options{DataDir: dir})
	if err == nil {
		env.Close()
		t.Fatal("started on an unreadable demo rooms file")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "move the file away") {
		t.Errorf("err %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "{not json" {
		t.Errorf("the file was changed: %q", data)
	}
}
