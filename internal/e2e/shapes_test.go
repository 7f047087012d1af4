package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/auth"
)

// The demo's odd-shaped room live_1017 answers with Owner_Account as a
// number, TakeSeatMode as 1/2, IsMessageDisabled as a string and fields
// only Tencent's console reads. It shows in the list, opens, and takes an
// edit; the edit goes out in the documented shape and the room keeps its own.
func TestEditOddShapedRoom(t *testing.T) {
	const id = "live_1017"
	restoreRoom(t, id)
	before := room(t, id)
	if !before.Wire.OwnerAsNumber || !before.Wire.SeatModeAsInt || !before.Wire.MessageDisabledAsString {
		t.Fatalf("demo room %s lost its shapes: %+v", id, before.Wire)
	}
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))

	// It is listed with the others (the list is sorted by views: page on).
	p.gotoPath("/rooms")
	row := p.Locator(`[data-testid=room-row][data-room-id="` + id + `"]`)
	for page := 1; ; page++ {
		p.must(p.expect(p.byTestID("room-row").First()).ToBeVisible())
		if n, err := row.Count(); err == nil && n == 1 {
			break
		}
		if page == 5 {
			t.Fatalf("%s is not in the first %d pages of the list", id, page)
		}
		p.must(p.byTestID("next-page").Click())
		p.must(p.expect(p.byTestID("page-number")).ToHaveText("Page " + strconv.Itoa(page+1)))
	}
	p.must(p.expect(row).ToContainText("10086")) // the numeric owner, as text
	p.must(row.GetByTestId("room-link").Click())
	p.must(p.expect(p.byTestID("fact-room-id")).ToHaveText(id))
	p.must(p.expect(p.field("Seat mode")).ToHaveValue(before.TakeSeatMode)) // read from 1/2
	muted := "Open"
	if before.IsMessageDisabled {
		muted = "Muted"
	}
	p.must(p.expect(p.byTestID("fact-muted")).ToHaveText(muted)) // read from "true"/"false"

	mode := "ApplyToTake"
	if before.TakeSeatMode == mode {
		mode = "FreeToTake"
	}
	name := "Odd shapes, edited ✓"
	p.must(p.field("Room name").Fill(name))
	_, err := p.field("Seat mode").SelectOption(playwright.SelectOptionValues{Values: &[]string{mode}})
	p.must(err)
	calls := updateCalls()
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	p.must(p.expect(p.byTestID("fact-name")).ToHaveText(name))

	if n := updateCalls() - calls; n != 1 {
		t.Fatalf("update_room_info calls: %d, want 1", n)
	}
	bodies := env.Emulator.Bodies(cmdUpdate)
	if body := string(bodies[len(bodies)-1]); !strings.Contains(body, `"TakeSeatMode":"`+mode+`"`) ||
		strings.Contains(body, "Owner_Account") || strings.Contains(body, "IsMessageDisabled") {
		t.Errorf("update body %s: want TakeSeatMode as a string and nothing the operator did not change", body)
	}
	after := room(t, id)
	if after.RoomName != name || after.TakeSeatMode != mode || after.OwnerAccount != before.OwnerAccount ||
		after.IsMessageDisabled != before.IsMessageDisabled || !after.Wire.SeatModeAsInt {
		t.Errorf("emulator room after the edit: %+v", after)
	}

	// A reload reads it back through the 1/2 shape.
	_, err = p.Reload()
	p.must(err)
	p.must(p.expect(p.field("Seat mode")).ToHaveValue(mode))
	p.must(p.expect(p.field("Room name")).ToHaveValue(name))
}
