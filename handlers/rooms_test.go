package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/components"
)

const seedRoom = "live_1001"

func newRoomsEnv(t *testing.T) (*apptest.Env, *apptest.Client) {
	t.Helper()
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "olga", auth.RoleOperator)
	env.CreateUser(t, "vera", auth.RoleViewer)
	return env, env.Login(t, "olga")
}

// browserForm is what a browser would submit from the room page's form.
func browserForm(t *testing.T, c *apptest.Client, id string) url.Values {
	t.Helper()
	r := c.Get(components.RoomURL(id))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET room: %s", r)
	}
	form := testid(doc(t, r), "room-form")
	if form.Length() != 1 {
		t.Fatalf("no room form: %s", r)
	}
	v := url.Values{}
	form.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		switch {
		case goquery.NodeName(s) == "textarea":
			v.Add(name, s.Text())
		case goquery.NodeName(s) == "select":
			val, _ := s.Find("option[selected]").Attr("value")
			v.Add(name, val)
		case typ == "checkbox":
			if _, on := s.Attr("checked"); on {
				val, _ := s.Attr("value")
				v.Add(name, val)
			}
		default:
			val, _ := s.Attr("value")
			v.Add(name, val)
		}
	})
	return v
}

func post(c *apptest.Client, id string, v url.Values) *apptest.Response {
	return c.PostForm(components.RoomURL(id), v, apptest.HTMX...)
}

func TestRoomsEditSendsExactBody(t *testing.T) {
	env, c := newRoomsEnv(t)
	v := browserForm(t, c, seedRoom)
	v.Set("RoomName", "Finals night")
	v["IsMessageDisabled"] = []string{"false", "true"}
	r := post(c, seedRoom, v)
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || testid(d, "result-panel").AttrOr("data-outcome", "") != "ok" {
		t.Fatalf("%s", r)
	}
	bodies := env.Emulator.Bodies(tencent.CmdUpdateRoomInfo)
	want := `{"RoomInfo":{"RoomId":"live_1001","RoomName":"Finals night","IsMessageDisabled":true}}`
	if len(bodies) != 1 || string(bodies[0]) != want {
		t.Fatalf("sent %q, want %s", bodies, want)
	}
	if testid(d, "request-id").Text() == "" || testid(d, "attempts").Text() != "1" {
		t.Errorf("result panel lacks RequestId or attempts")
	}
	// A rendered answer goes whole, with its length, not chunked.
	if page := c.Get(components.RoomURL(seedRoom)); r.ContentLength != int64(len(r.Body)) || page.ContentLength != int64(len(page.Body)) {
		t.Errorf("Content-Length %d for an answer of %d bytes, %d for a page of %d", r.ContentLength, len(r.Body), page.ContentLength, len(page.Body))
	}
	// The form now carries the new state, so a second edit sends only itself.
	if d.Find(`input[name="orig_RoomName"]`).AttrOr("value", "") != "Finals night" {
		t.Fatalf("form not refreshed")
	}
	v = browserForm(t, c, seedRoom)
	v.Set("Notice", "Second")
	if r := post(c, seedRoom, v); r.StatusCode != http.StatusOK {
		t.Fatalf("%s", r)
	}
	bodies = env.Emulator.Bodies(tencent.CmdUpdateRoomInfo)
	if len(bodies) != 2 || string(bodies[1]) != `{"RoomInfo":{"RoomId":"live_1001","Notice":"Second"}}` {
		t.Fatalf("second body %q", bodies)
	}
}

func TestRoomsEditValidationBoundaries(t *testing.T) {
	env, c := newRoomsEnv(t)
	han33 := strings.Repeat("直", 33)
	tests := []struct {
		field, value string
		cats         []string
		ok           bool
	}{
		{"RoomName", han33 + "a", nil, true},
		{"RoomName", han33 + "ab", nil, false},
		{"MaxMemberCount", "0", nil, false},
		{"MaxMemberCount", "abc", nil, false},
		{"CoverURL", "javascript:alert(1)", nil, false},
		{"Category", "", []string{"1", "2", "3", "4"}, false},
		{"Category", "", []string{"5", "5", ""}, false},
	}
	for _, tc := range tests {
		t.Run(tc.field+"="+tc.value+strings.Join(tc.cats, ","), func(t *testing.T) {
			before := env.Emulator.Calls(tencent.CmdUpdateRoomInfo)
			v := browserForm(t, c, seedRoom)
			if tc.cats != nil {
				v[tc.field] = tc.cats
			} else {
				v.Set(tc.field, tc.value)
			}
			r := post(c, seedRoom, v)
			d := doc(t, r)
			sent := env.Emulator.Calls(tencent.CmdUpdateRoomInfo) - before
			if tc.ok {
				if r.StatusCode != http.StatusOK || sent != 1 {
					t.Fatalf("want accepted and sent; sent %d: %s", sent, r)
				}
				return
			}
			if r.StatusCode != http.StatusUnprocessableEntity || testid(d, "field-error-"+tc.field).Length() != 1 || sent != 0 {
				t.Fatalf("want 422 with field-error-%s and nothing sent (sent %d): %s", tc.field, sent, r)
			}
			if tc.cats == nil && d.Find(`[name="`+tc.field+`"]`).Last().AttrOr("value", "") != tc.value {
				t.Errorf("the submitted value was not kept in the form")
			}
		})
	}
}

func TestRoomsEditTencentRefusal(t *testing.T) {
	env, c := newRoomsEnv(t)
	for _, code := range []int{tencent.CodeRoomNotFound, tencent.CodeNotPermitted} {
		env.Emulator.FailNext(tencent.CmdUpdateRoomInfo, 1, code)
		v := browserForm(t, c, seedRoom)
		v.Set("RoomName", "Refused "+tencent.Describe(code).Meaning[:4])
		r := post(c, seedRoom, v)
		d := doc(t, r)
		ec := testid(d, "error-code").Text()
		if testid(d, "result-panel").AttrOr("data-outcome", "") != "failed" ||
			!strings.Contains(ec, "100") || !strings.Contains(ec, tencent.Describe(code).Meaning) ||
			!strings.HasPrefix(testid(d, "request-id").Text(), "Id-") {
			t.Fatalf("code %d: %s", code, r)
		}
	}
}

func TestRoomsEditConflict(t *testing.T) {
	env, c := newRoomsEnv(t)
	v := browserForm(t, c, seedRoom)
	room, _ := env.Emulator.Room(seedRoom)
	room.RoomName = "Changed elsewhere"
	env.Emulator.PutRoom(room)
	v.Set("RoomName", "Mine")
	r := post(c, seedRoom, v)
	d := doc(t, r)
	if r.StatusCode != http.StatusConflict || testid(d, "conflict-panel").Length() != 1 ||
		testid(d, "conflict-theirs").Text() != "Changed elsewhere" || env.Emulator.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Fatalf("%s", r)
	}
	// Re-apply: the re-rendered form as a browser would submit it.
	if d.Find(`input[name="orig_RoomName"]`).AttrOr("value", "") != "Changed elsewhere" ||
		d.Find(`input[name="RoomName"]`).AttrOr("value", "") != "Mine" {
		t.Fatalf("re-rendered form: %s", r)
	}
}

func TestRoomsViewerCannotEdit(t *testing.T) {
	env, _ := newRoomsEnv(t)
	vc := env.Login(t, "vera")
	r := vc.Get(components.RoomURL(seedRoom))
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || testid(d, "room-form").Length() != 0 || testid(d, "submit").Length() != 0 ||
		testid(d, "room-readonly").Length() != 1 {
		t.Fatalf("viewer page: %s", r)
	}
	r = post(vc, seedRoom, url.Values{"RoomName": {"forged"}, "orig_RoomName": {"x"}})
	if r.StatusCode != http.StatusForbidden || env.Emulator.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Fatalf("forged POST: %s", r)
	}
}

func TestRoomsListAndShow(t *testing.T) {
	env, c := newRoomsEnv(t)
	r := c.Get("/rooms")
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || testid(d, "room-row").Length() != 20 || testid(d, "next-page").Length() != 1 {
		t.Fatalf("%s", r)
	}
	next := testid(d, "next-page").AttrOr("hx-get", "")
	r = c.Get(next, apptest.HTMX...)
	d = doc(t, r)
	if testid(d, "room-table").Length() != 1 || strings.Contains(r.Body, "<html") ||
		testid(d, "prev-page").Length() != 1 || testid(d, "room-row").Length() == 0 {
		t.Fatalf("page 2 fragment: %s", r)
	}
	if r := c.Get("/rooms?open=" + url.QueryEscape("live/ops #7")); r.StatusCode != http.StatusSeeOther ||
		r.Header.Get("Location") != "/rooms/live%2Fops%20%237" {
		t.Fatalf("open: %s", r)
	}
	if r := c.Get("/rooms/live%2Fops%20%237"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "live/ops #7") {
		t.Fatalf("escaped id: %s", r)
	}
	if r := c.Get("/rooms/no_such_room"); r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "Room not found") {
		t.Fatalf("missing room: %s", r)
	}
	// The creation time is shown; a room Tencent gives none for shows
	// "—", not 1970.
	room, _ := env.Emulator.Room(seedRoom)
	created := `datetime="` + time.Unix(room.CreateTime, 0).UTC().Format(time.RFC3339Nano) + `"`
	if r := c.Get("/rooms/" + seedRoom); !strings.Contains(r.Body, created) {
		t.Errorf("no %s on the room page", created)
	}
	room.CreateTime = 0
	env.Emulator.PutRoom(room)
	if r := c.Get("/rooms/" + seedRoom); r.StatusCode != http.StatusOK || strings.Contains(r.Body, `datetime="1970-01-01T00:00:00Z"`) {
		t.Errorf("a room without a creation time: %d, shows 1970: %v", r.StatusCode, strings.Contains(r.Body, "1970"))
	}
}

// One room whose fields drifted from the docs never breaks the list: the
// others show as usual, and the odd one is listed with its raw value.
func TestRoomsListWithUnreadableRoom(t *testing.T) {
	env, c := newRoomsEnv(t)
	env.Emulator.PutRoom(emulator.Room{RoomID: "drifted", RoomName: "odd <b>one</b>", IsPublicVisible: true,
		ViewCount: 1 << 40, TakeSeatMode: "FreeToTake", // first on page 1
		Wire: emulator.Wire{Override: map[string]json.RawMessage{"ViewCount": json.RawMessage(`"lots"`)}}})
	r := c.Get("/rooms")
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || testid(d, "list-error").Length() != 0 {
		t.Fatalf("one odd room broke the list: %s", r)
	}
	if n := testid(d, "room-row").Length(); n != 19 {
		t.Errorf("%d readable rooms shown, want the other 19 of the page", n)
	}
	u := testid(d, "unreadable-room")
	if u.Length() != 1 || u.AttrOr("data-room-id", "") != "drifted" ||
		!strings.Contains(testid(d, "unreadable-raw").Text(), `"ViewCount":"lots"`) ||
		!strings.Contains(u.Text(), "ViewCount") {
		t.Fatalf("unreadable room not shown as such: %q", u.Text())
	}
	if strings.Contains(r.Body, "<b>one</b>") {
		t.Error("the raw value was not escaped")
	}
}

// TestRoomsEditResultNotAudited: when the result's audit row cannot be
// written (the database refuses result rows), the answer htmx gets still
// shows Tencent's answer, and says the log will read "outcome unknown".
// The answer rendered while the row was being written is not the one sent.
func TestRoomsEditResultNotAudited(t *testing.T) {
	env, c := newRoomsEnv(t)
	if _, err := env.DB.ExecContext(t.Context(), `CREATE TRIGGER refuse_results BEFORE INSERT ON audit_log
		WHEN NEW.kind = 'result' BEGIN SELECT RAISE(ABORT, 'result rows refused'); END`); err != nil {
		t.Fatal(err)
	}
	for _, htmx := range []bool{true, false} {
		v := browserForm(t, c, seedRoom)
		v.Set("Notice", fmt.Sprintf("htmx %v", htmx))
		var r *apptest.Response
		if htmx {
			r = post(c, seedRoom, v)
		} else {
			r = c.PostForm(components.RoomURL(seedRoom), v)
		}
		d := doc(t, r)
		if r.StatusCode != http.StatusOK || testid(d, "result-panel").AttrOr("data-outcome", "") != "ok" {
			t.Fatalf("htmx %v: %s", htmx, r)
		}
		if w := testid(d, "result-warning").Text(); !strings.Contains(w, "outcome unknown") {
			t.Errorf("htmx %v: warning %q", htmx, w)
		}
	}
}
