package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/callgate"
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

// TestBulkProgressAndCancel previews a bulk edit, starts it, watches the
// progress bar move as the gate lets Tencent answer 20 rooms and then 10
// more, and cancels it while updates are in flight.
func TestBulkProgressAndCancel(t *testing.T) {
	ids := bulkRooms(t, "e2e-bulk", 300)
	updates := 0
	gate.Hold(func(c callgate.Call) bool {
		if c.Command != emulator.CmdUpdateRoomInfo || !strings.HasPrefix(c.RoomID, "e2e-bulk-") {
			return false
		}
		updates++
		return updates > 20
	})
	t.Cleanup(gate.Open)
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

	// The bar moves while we watch: 20 rooms, then 10 more let through.
	bar := p.byTestID("bulk-bar")
	p.must(p.expect(bar).ToHaveAttribute("data-finished", "20"))
	releaseHeld(t, "e2e-bulk-", 10)
	p.must(p.expect(bar).ToHaveAttribute("data-finished", "30"))

	// Cancel with updates in flight: the job waits for them, then ends.
	p.must(p.byTestID("bulk-cancel").Click())
	p.must(p.expect(p.byTestID("bulk-status")).ToHaveText("cancelling"))
	gate.Open()
	p.must(playwright.NewPlaywrightAssertions(20000).Locator(p.byTestID("bulk-status")).ToHaveText("cancelled"))
	p.must(p.expect(p.byTestID("bulk-cancelled-note")).ToContainText("rooms were not sent"))
	remaining, _ := strconv.Atoi(must1(p.byTestID("bulk-remaining").TextContent()))
	sent := 0
	for _, id := range ids {
		sent += env.Emulator.UpdateCount(id)
	}
	if sent <= 30 || remaining == 0 || sent+remaining != 300 {
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
	selected := p.byTestID("bulk-selected-room")
	p.must(p.expect(selected).ToHaveCount(2))
	p.must(p.expect(selected.Nth(0)).ToHaveValue(first))
	p.must(p.expect(selected.Nth(1)).ToHaveValue(second))
	p.must(p.expect(p.byTestID("bulk-selected-rooms")).ToContainText("2 selected rooms"))
	p.must(p.expect(p.byTestID("bulk-rooms")).ToHaveValue(""))
}

func must1[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// releaseHeld forwards the next n calls held at the gate for rooms whose
// RoomId starts with prefix. The gate is shared by the whole suite, so its
// channel may still announce calls an earlier test held (and let through
// when it ended): those are skipped, not counted.
func releaseHeld(t *testing.T, prefix string, n int) {
	t.Helper()
	for n > 0 {
		select {
		case h := <-gate.Held():
			if !strings.HasPrefix(h.RoomID, prefix) {
				continue
			}
			h.Forward()
			n--
		case <-time.After(time.Minute): // a hang guard, not a measurement
			t.Fatalf("no update for %s… held at the gate (%d still to let through)", prefix, n)
		}
	}
}
