package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// pageForm is what a browser submits from a form as drawn: each select's
// selected option (or its first), ticked checkboxes, textareas' text.
func pageForm(form *goquery.Selection) url.Values {
	v := url.Values{}
	form.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		switch {
		case name == "" || typ == "file" || typ == "submit":
		case goquery.NodeName(s) == "textarea":
			v.Add(name, strings.TrimPrefix(s.Text(), "\n"))
		case goquery.NodeName(s) == "select":
			opt := s.Find("option[selected]")
			if opt.Length() == 0 {
				opt = s.Find("option").First()
			}
			v.Add(name, opt.AttrOr("value", ""))
		case typ == "checkbox":
			if _, on := s.Attr("checked"); on {
				v.Add(name, s.AttrOr("value", "on"))
			}
		default:
			v.Add(name, s.AttrOr("value", ""))
		}
	})
	return v
}

// Rooms ticked on the room list arrive as selected rooms (not pasted);
// every choice field starts at "no change", so a form submitted as drawn
// with only the Notice ticked changes only the Notice; the preview shows
// each room's catalogue value beside the new one without a Tencent call.
func TestBulkPreviewSelectedRoomsAgainstCatalogue(t *testing.T) {
	env, op := newRoomsEnv(t)
	before, _ := env.Emulator.Room(seedRoom)
	if r := op.Get("/rooms/" + seedRoom); r.StatusCode != http.StatusOK { // reading it catalogues it
		t.Fatalf("GET room: %s", r)
	}
	d := doc(t, op.Get("/bulk?room="+seedRoom+"&room=not_catalogued"))
	if got := testid(d, "bulk-rooms").Text(); got != "" {
		t.Errorf("selected rooms were pasted into the textarea: %q", got)
	}
	if n := testid(d, "bulk-selected-room").Length(); n != 2 || !strings.Contains(testid(d, "bulk-selected-rooms").Text(), "2 selected rooms") {
		t.Errorf("%d selected rooms listed: %q", n, testid(d, "bulk-selected-rooms").Text())
	}
	for _, f := range []string{rooms.FieldIsPublicVisible, rooms.FieldIsMessageDisabled, rooms.FieldTakeSeatMode} {
		sel := testid(d, "value-"+f)
		if first := sel.Find("option").First(); first.AttrOr("value", "x") != "" || sel.Find("option[selected]").AttrOr("value", "x") != "" {
			t.Errorf("%s does not default to no change", f)
		}
		if rooms.Choices(f) == nil {
			t.Errorf("%s has no choices in the field table", f)
		}
	}
	if n := testid(d, "value-Notice"); goquery.NodeName(n) != "textarea" || n.AttrOr("data-bytes", "") == "" {
		t.Errorf("Notice is a %s", goquery.NodeName(n))
	}

	form := pageForm(testid(d, "bulk-form"))
	form.Add("change", rooms.FieldNotice)
	form.Set(rooms.FieldNotice, before.Notice) // the room already has it
	form.Add("change", rooms.FieldRoomName)
	form.Set(rooms.FieldRoomName, "Ramen Night")
	calls := env.Emulator.Calls(emulator.CmdGetRoomInfo)
	r := postMultipart(t, op, "/bulk/preview", form, "")
	p := doc(t, r)
	if r.StatusCode != http.StatusOK || testid(p, "bulk-problems").Length() != 0 {
		t.Fatalf("preview: %s", r)
	}
	if got := env.Emulator.Calls(emulator.CmdGetRoomInfo); got != calls {
		t.Errorf("the preview read %d rooms from Tencent", got-calls)
	}
	if src := testid(p, "bulk-source").Text(); src != "2 selected rooms" {
		t.Errorf("source %q", src)
	}
	if strings.Contains(testid(p, "bulk-changes").Text(), "Listed publicly") || strings.Contains(testid(p, "bulk-changes").Text(), "Mute chat") {
		t.Errorf("a choice left at no change is in the plan: %q", testid(p, "bulk-changes").Text())
	}
	row := func(room, field string) *goquery.Selection {
		return p.Find(`[data-testid=bulk-compare-room][data-room-id="` + room + `"] [data-testid=bulk-compare-row][data-field=` + field + `]`)
	}
	name := row(seedRoom, rooms.FieldRoomName)
	if now := name.Find("[data-testid=bulk-now] .current").Text(); now != before.RoomName || name.Find("[data-testid=bulk-as-of]").Length() != 1 {
		t.Errorf("current name %q (want %q), as-of %d", now, before.RoomName, name.Find("[data-testid=bulk-as-of]").Length())
	}
	if nw := name.Find("[data-testid=bulk-new] .after").Text(); nw != "Ramen Night" || name.AttrOr("data-same", "") != "false" {
		t.Errorf("new name %q same %q", nw, name.AttrOr("data-same", ""))
	}
	if notice := row(seedRoom, rooms.FieldNotice); notice.AttrOr("data-same", "") != "true" || notice.Find("[data-testid=bulk-no-change]").Length() != 1 {
		t.Errorf("the unchanged Notice is not marked no change: %q", notice.Text())
	}
	if unknown := row("not_catalogued", rooms.FieldRoomName).Find("[data-testid=bulk-unknown]").Text(); unknown != "not in catalogue" {
		t.Errorf("an uncatalogued room reads %q", unknown)
	}
	if strings.Contains(p.Text(), "…and") {
		t.Errorf("two rooms, yet more are counted: %q", p.Text())
	}
	// The first 20 rooms are laid beside the catalogue; the rest are counted.
	ids := make([]string, 23)
	for i := range ids {
		ids[i] = fmt.Sprintf("room_%02d", i)
	}
	p = doc(t, postMultipart(t, op, "/bulk/preview", url.Values{"rooms": {strings.Join(ids, "\n")}, "change": {rooms.FieldNotice}, rooms.FieldNotice: {"x"}}, ""))
	if n := testid(p, "bulk-compare-room").Length(); n != 20 || !strings.Contains(p.Text(), "…and 3 more") {
		t.Errorf("23 rooms: %d compared, the rest counted: %v", n, strings.Contains(p.Text(), "…and 3 more"))
	}
}
