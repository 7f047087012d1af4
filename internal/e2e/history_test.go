package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// An operator renames a room, opens the change's audit entry, reverts it
// from there, and sees the room restored at Tencent and both entries
// linked to each other.
func TestRevertAChangeFromItsAuditEntry(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	const id = "live_1055"
	restoreRoom(t, id)
	before := room(t, id)

	p.openRoom(id)
	p.must(p.field("Room name").Fill("Renamed, then reverted"))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	original := p.textOf(p.byTestID("audit-link")) // "#N"

	p.must(p.byTestID("audit-link").Click())
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/audit/\d+$`)))
	revert := p.byTestID("entry-revert")
	href, err := revert.GetAttribute("href")
	p.must(err)
	if !strings.Contains(href, "revert") {
		t.Fatalf("Revert link %q", href)
	}
	p.must(revert.Click())
	p.must(p.expect(p.byTestID("revert-banner")).ToContainText(original))
	p.must(p.expect(p.field("Room name")).ToHaveValue(before.RoomName))
	calls := updateCalls()
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	p.must(p.expect(p.byTestID("fact-name")).ToHaveText(before.RoomName))
	if n := updateCalls() - calls; n != 1 {
		t.Errorf("update_room_info calls for the revert: %d, want 1", n)
	}
	if got := room(t, id); got.RoomName != before.RoomName {
		t.Errorf("room name at Tencent after the revert: %q, want %q", got.RoomName, before.RoomName)
	}
	reverting := p.textOf(p.byTestID("audit-link"))

	// The revert's entry says what it reverts, and links to it ...
	p.must(p.byTestID("audit-link").Click())
	p.must(p.expect(p.byTestID("entry-detail")).ToContainText("reverts " + original))
	p.must(p.expect(p.byTestID("entry-reverts")).ToContainText(original))
	// ... and the original links to its revert.
	p.must(p.byTestID("entry-reverts").GetByRole("link").Click())
	p.must(p.expect(p.byTestID("entry-reverted-by")).ToContainText(reverting))
}

// A change made directly at Tencent (through the emulator's control API,
// as the app's backend or Tencent's console would) shows in the room's
// history as made outside roomdesk after the next page load.
func TestChangeMadeOutsideShowsInTheRoomsHistory(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleViewer))
	const id = "live_1056"
	restoreRoom(t, id)
	p.openRoomReadOnly(id)
	before := room(t, id)

	changed := before
	changed.Notice = "Set outside roomdesk 外部"
	putRoomOverControlAPI(t, changed)

	p.gotoPath("/rooms/" + id) // the next page load
	p.must(p.byTestID("room-history-link").Click())
	row := p.byTestID("history-row").First()
	p.must(p.expect(row).ToHaveAttribute("data-kind", "outside"))
	p.must(p.expect(row.GetByTestId("history-label")).ToHaveText("Changed outside roomdesk"))
	change := row.Locator(`[data-testid=history-change][data-field=Notice]`)
	p.must(p.expect(change.Locator(".before")).ToHaveText(before.Notice))
	p.must(p.expect(change.Locator(".after")).ToHaveText(changed.Notice))
	// Once: reading again records nothing new.
	p.gotoPath("/rooms/" + id + "/history")
	p.must(p.expect(p.byTestID("history-row").Locator(`[data-testid=history-change][data-field=Notice]`)).ToHaveCount(1))
}

// openRoomReadOnly goes to a room's page as a viewer (no edit form).
func (p *page) openRoomReadOnly(id string) {
	p.t.Helper()
	p.gotoPath("/rooms/" + id)
	p.must(p.expect(p.byTestID("fact-room-id")).ToHaveText(id))
}

// putRoomOverControlAPI changes a room at the emulator over HTTP, through
// its control API, the way an out-of-process tool would.
func putRoomOverControlAPI(t *testing.T, r emulator.Room) {
	t.Helper()
	srv := httptest.NewServer(env.Emulator.ControlHandler())
	defer srv.Close()
	body, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/_emulator/room", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT /_emulator/room: %s", resp.Status)
	}
}
