package handlers_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/handlers"
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

// An answer of the wrong shape (valid JSON, a string where a number
// belongs) is Tencent's or a proxy's fault: 502 with words, never a 500
// "something went wrong on our side".
func TestUnreadableTencentAnswerIsNot500(t *testing.T) {
	err := fmt.Errorf("rooms: get %q: tencent: get_room_info: %w: json: cannot unmarshal string", "live_1", tencent.ErrBadResponse)
	h := handlers.New(handlers.Deps{Logger: slog.New(slog.DiscardHandler)})
	req := httptest.NewRequest(http.MethodGet, "/rooms/live_1", nil)
	rec := httptest.NewRecorder()
	h.ErrorHandler(err, echo.New().NewContext(req, rec))
	if rec.Code != http.StatusBadGateway {
		t.Fatalf("status %d, want 502", rec.Code)
	}
	if body := rec.Body.String(); !strings.Contains(body, "answer could not be read") || strings.Contains(body, "cannot unmarshal") {
		t.Errorf("page does not explain the unreadable answer, or leaks the decoder's text:\n%s", body)
	}
}
