package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// bulkRooms creates n rooms for one test and removes them at its end.
func bulkRooms(t *testing.T, prefix string, n int) []string {
	skipShort(t)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%03d", prefix, i+1)
		env.Emulator.PutRoom(emulator.Room{RoomID: ids[i], RoomName: "before", MaxMemberCount: 50, TakeSeatMode: "FreeToTake"})
	}
	t.Cleanup(func() {
		for _, id := range ids {
			env.Emulator.DeleteRoom(id)
		}
	})
	return ids
}

func (p *page) finished() int {
	p.t.Helper()
	v, err := p.byTestID("bulk-bar").GetAttribute("data-finished")
	if err != nil {
		p.t.Fatal(err)
	}
	n, _ := strconv.Atoi(v)
	return n
}

// TestBulkProgressAndCancel previews a bulk edit, starts it, watches the
// progress bar move while the emulator answers slowly, and cancels it.
func TestBulkProgressAndCancel(t *testing.T) {
	ids := bulkRooms(t, "e2e-bulk", 300)
	env.Emulator.SetLatency(700 * time.Millisecond)
	t.Cleanup(func() { env.Emulator.SetLatency(0) })
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.gotoPath("/bulk")
	p.must(p.byTestID("bulk-rooms").Fill(strings.Join(ids, "\n")))
	p.must(p.byTestID("change-RoomName").Check())
	p.must(p.byTestID("value-RoomName").Fill("Renamed in bulk"))
	p.must(p.byTestID("bulk-preview-button").Click())
	p.must(p.expect(p.byTestID("bulk-room-count")).ToHaveText("300"))
	p.must(p.expect(p.byTestID("bulk-changes")).ToContainText("Renamed in bulk"))
	p.must(p.byTestID("bulk-start").Click())
	p.must(p.WaitForURL("**/bulk/*"))
	p.must(p.expect(p.byTestID("bulk-status")).ToHaveText("running"))

	// The bar moves while we watch: two readings a few polls apart.
	deadline := time.Now().Add(10 * time.Second)
	first := p.finished()
	for p.finished() <= first && time.Now().Before(deadline) {
		time.Sleep(300 * time.Millisecond)
	}
	second := p.finished()
	if second <= first || second >= 300 {
		t.Fatalf("progress bar went from %d to %d of 300", first, second)
	}
	p.must(p.byTestID("bulk-cancel").Click())
	p.must(playwright.NewPlaywrightAssertions(20000).Locator(p.byTestID("bulk-status")).ToHaveText("cancelled"))
	p.must(p.expect(p.byTestID("bulk-cancelled-note")).ToContainText("rooms were not sent"))
	remaining, _ := strconv.Atoi(must1(p.byTestID("bulk-remaining").TextContent()))
	sent := 0
	for _, id := range ids {
		sent += env.Emulator.UpdateCount(id)
	}
	if remaining == 0 || sent+remaining != 300 {
		t.Errorf("after cancel: %d rooms updated, %d not sent", sent, remaining)
	}
	p.must(p.expect(p.byTestID("bulk-cancel")).ToHaveCount(0))
}

// TestBulkFromRoomList ticks rooms on the room list and opens the bulk
// form with them.
func TestBulkFromRoomList(t *testing.T) {
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.gotoPath("/rooms")
	boxes := p.byTestID("room-select")
	p.must(boxes.Nth(0).Check())
	p.must(boxes.Nth(1).Check())
	first := must1(boxes.Nth(0).GetAttribute("value"))
	second := must1(boxes.Nth(1).GetAttribute("value"))
	p.must(p.byTestID("bulk-selected").Click())
	p.must(p.WaitForURL("**/bulk?room=*"))
	p.must(p.expect(p.byTestID("bulk-rooms")).ToHaveValue(first + "\n" + second + "\n"))
}

func must1[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
