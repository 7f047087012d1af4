package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/tencent"
)

// The page cursor comes back from the browser in the URL, so it is
// attacker text: one with control characters, invalid UTF-8 or a silly
// length is refused with a plain message, and is not sent to Tencent
// (it used to cost a signed call and answer 502 "Tencent refused").
func TestHostileCursorIsNotSentToTencent(t *testing.T) {
	env, c := newRoomsEnv(t)
	for _, cur := range []string{"\xff\xfe", "1693271355-1\x1b[31m", "a\u202eb", strings.Repeat("9", 5000), strings.Repeat("9", 257)} {
		before := env.Emulator.Calls(tencent.CmdGetRoomList)
		r := c.Get("/rooms?cursor=" + url.QueryEscape(cur))
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("cursor %q: status %d, want 400", cur[:min(len(cur), 20)], r.StatusCode)
		}
		if !strings.Contains(r.Body, "page link is not valid") {
			t.Errorf("cursor %q: no plain message", cur[:min(len(cur), 20)])
		}
		if n := env.Emulator.Calls(tencent.CmdGetRoomList) - before; n != 0 {
			t.Errorf("cursor %q: %d get_room_list calls, want 0", cur[:min(len(cur), 20)], n)
		}
	}
	if r := c.Get("/rooms?cursor=1693271355-123123123123"); r.StatusCode != http.StatusOK {
		t.Errorf("a well-formed cursor: %s", r)
	}
	// 256 bytes is the longest sent; one more is refused (above).
	before := env.Emulator.Calls(tencent.CmdGetRoomList)
	if r := c.Get("/rooms?cursor=1693271355-" + strings.Repeat("1", 256-11)); strings.Contains(r.Body, "page link is not valid") ||
		env.Emulator.Calls(tencent.CmdGetRoomList)-before != 1 {
		t.Errorf("a 256-byte cursor was not sent: %s", r)
	}
}
