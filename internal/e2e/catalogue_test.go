package e2e

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// Issue 13: an operator finds a room by part of its Chinese name with the
// search box ("/" focuses it), opens it, renames it, and finds it by the
// new name: the edit refreshed the catalogue.
func TestFindRoomByChineseNameAndEdit(t *testing.T) {
	const id = "e2e_ramen_1"
	env.Emulator.PutRoom(emulator.Room{RoomID: id, RoomName: "深夜拉面食堂 Late Ramen", OwnerAccount: "chef_e2e",
		RoomType: emulator.RoomTypeLive, IsPublicVisible: true, ViewCount: 2, TakeSeatMode: "FreeToTake",
		MaxMemberCount: 200})
	t.Cleanup(func() { env.Emulator.DeleteRoom(id) })
	if err := env.SweepCatalogue(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := newPage(t)
	p.login(user(t, auth.RoleOperator))
	p.gotoPath("/rooms")
	p.must(p.expect(p.byTestID("catalogue-freshness")).ToHaveAttribute("data-source", "catalogue"))

	p.must(p.Locator("body").Press("/"))
	box := p.byTestID("room-search")
	p.must(p.expect(box).ToBeFocused())
	p.must(box.Fill("拉面食"))
	p.must(box.Press("Enter"))
	p.must(p.expectPage().ToHaveURL(regexp.MustCompile(`/rooms\?.*q=` + regexp.QuoteMeta(url.QueryEscape("拉面食")))))
	p.must(p.expect(p.byTestID("room-row")).ToHaveCount(1))
	row := p.Locator(`[data-testid=room-row][data-room-id="` + id + `"]`)
	p.must(p.expect(row).ToContainText("深夜拉面食堂"))

	p.must(row.GetByTestId("room-link").Click())
	p.must(p.expect(p.byTestID("fact-room-id")).ToHaveText(id))
	p.must(p.field("Room name").Fill("深夜乌冬食堂 Late Udon"))
	p.submitEdit()
	p.must(p.expect(p.byTestID("result-panel")).ToHaveAttribute("data-outcome", "ok"))
	if r, _ := env.Emulator.Room(id); r.RoomName != "深夜乌冬食堂 Late Udon" {
		t.Errorf("emulator room name %q", r.RoomName)
	}

	p.gotoPath("/rooms?q=" + url.QueryEscape("乌冬食"))
	p.must(p.expect(p.byTestID("room-row")).ToHaveCount(1))
	p.must(p.expect(p.byTestID("room-row").First()).ToHaveAttribute("data-room-id", id))
	p.gotoPath("/rooms?q=" + url.QueryEscape("拉面食"))
	p.must(p.expect(p.byTestID("rooms-no-match")).ToBeVisible())
}
