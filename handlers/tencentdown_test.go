package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/components"
)

// When Tencent drops the connection (EOF) the operator must read that
// Tencent is not answering, not that the database was lost: the database
// is fine, and "Database unavailable" sends them to the wrong people. A
// safe request is also not run a second time, since a second run is
// another round of Tencent calls, not a fresh database connection.
func TestTencentDropIsNotADatabaseOutage(t *testing.T) {
	env, c := newRoomsEnv(t)
	form := browserForm(t, c, seedRoom)
	env.Emulator.DropNext(tencent.CmdGetRoomInfo, 1000)

	before := env.Emulator.Calls(tencent.CmdGetRoomInfo)
	r := c.Get(components.RoomURL(seedRoom))
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("GET room with Tencent dropping: %s", r)
	}
	checkTencentDown(t, r)
	n := env.Emulator.Calls(tencent.CmdGetRoomInfo) - before
	if n > 3 {
		t.Logf("calls %d", n)
		t.Errorf("one GET made %d get_room_info calls, want at most the client's 3 attempts", n)
	}

	form.Set("RoomName", "while Tencent drops")
	r = c.PostForm(components.RoomURL(seedRoom), form)
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("POST room with Tencent dropping: %s", r)
	}
	checkTencentDown(t, r)
}

func checkTencentDown(t *testing.T, r *apptest.Response) {
	t.Helper()
	text := strings.Join(strings.Fields(r.Body), " ")
	if !strings.Contains(text, "Tencent is not answering") {
		t.Errorf("page does not say Tencent is not answering")
	}
	if strings.Contains(text, "Database unavailable") || strings.Contains(text, "connection to the database") {
		t.Errorf("page blames the database for Tencent dropping the connection")
	}
}
