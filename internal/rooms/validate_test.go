package rooms_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Every rule at its boundary, through Update against the emulator: a
// refused value names its field, says why, and nothing reaches Tencent or
// the audit log; an accepted one is sent.
func TestValidationBoundaries(t *testing.T) {
	han33 := strings.Repeat("直", 33) // 99 bytes
	url200 := "https://cdn.example.com/" + strings.Repeat("a", 200-24)
	tests := []struct {
		name  string
		kv    []any
		field string // "" = accepted
		msg   string // part of the message
	}{
		{"name 100 bytes multi-byte", []any{"RoomName", han33 + "a"}, "", ""},
		{"name 101 bytes multi-byte", []any{"RoomName", han33 + "ab"}, "RoomName", "101 bytes; the limit is 100 bytes"},
		{"name emoji over", []any{"RoomName", strings.Repeat("🎤", 26)}, "RoomName", "26 characters"},
		{"name empty", []any{"RoomName", "  "}, "RoomName", "Enter a room name"},
		{"members 1", []any{"MaxMemberCount", "1"}, "", ""},
		{"members max", []any{"MaxMemberCount", "2147483647"}, "", ""},
		{"members 0", []any{"MaxMemberCount", "0"}, "MaxMemberCount", "at least 1"},
		{"members -5", []any{"MaxMemberCount", "-5"}, "MaxMemberCount", "at least 1"},
		{"members over", []any{"MaxMemberCount", "2147483648"}, "MaxMemberCount", "at most 2147483647"},
		{"members abc", []any{"MaxMemberCount", "abc"}, "MaxMemberCount", `whole number (got "abc")`},
		{"members 1.5", []any{"MaxMemberCount", "1.5"}, "MaxMemberCount", "whole number"},
		// A bad value is echoed whole up to 24 characters, then clipped.
		{"members bad 24 chars", []any{"MaxMemberCount", strings.Repeat("x", 24)}, "MaxMemberCount", `(got "` + strings.Repeat("x", 24) + `")`},
		{"members bad 25 chars", []any{"MaxMemberCount", strings.Repeat("x", 25)}, "MaxMemberCount", `(got "` + strings.Repeat("x", 24) + `…")`},
		{"members empty", []any{"MaxMemberCount", ""}, "MaxMemberCount", "Enter"},
		{"three categories", []any{"Category", []string{"7", "8", "9"}}, "", ""},
		{"four categories", []any{"Category", []string{"7", "8", "9", "10"}}, "Category", "at most 3 categories (got 4)"},
		{"duplicate category", []any{"Category", []string{"7", "", "7"}}, "Category", "listed twice"},
		{"category not a number", []any{"Category", []string{"music"}}, "Category", "whole number"},
		{"category over 32 bits", []any{"Category", []string{"2147483648"}}, "Category", "whole number"},
		{"cover empty", []any{"CoverURL", ""}, "", ""},
		{"cover 200 bytes", []any{"CoverURL", url200}, "", ""},
		{"cover 201 bytes", []any{"CoverURL", url200 + "b"}, "CoverURL", "201 bytes; the limit is 200"},
		{"cover javascript", []any{"CoverURL", "javascript:alert(1)"}, "CoverURL", "https://"},
		{"cover data", []any{"CoverURL", "data:image/png;base64,AAAA"}, "CoverURL", "https://"},
		{"cover relative", []any{"CoverURL", "/img/cover.png"}, "CoverURL", "https://"},
		{"cover no host", []any{"CoverURL", "https:///x.png"}, "CoverURL", "no host"},
		{"cover space", []any{"CoverURL", "https://cdn.example.com/a b.png"}, "CoverURL", "spaces"},
		{"cover http", []any{"CoverURL", "http://cdn.example.com/a.png"}, "", ""},
		{"status min", []any{"ActivityStatus", "-2147483648"}, "", ""},
		{"status over", []any{"ActivityStatus", "2147483648"}, "ActivityStatus", "32-bit"},
		{"seat mode bad", []any{"TakeSeatMode", "Free"}, "TakeSeatMode", "FreeToTake"},
		{"notice 100 bytes", []any{"Notice", strings.Repeat("n", 100)}, "", ""},
		{"name ESC", []any{"RoomName", "Live\x1b[2J"}, "RoomName", "U+001B"},
		{"name BEL", []any{"RoomName", "Live\a"}, "RoomName", "U+0007"},
		{"name NUL", []any{"RoomName", "Li\x00ve"}, "RoomName", "U+0000"},
		{"name RLO", []any{"RoomName", "Live\u202eevil"}, "RoomName", "U+202E"},
		{"name isolate", []any{"RoomName", "\u2066Live"}, "RoomName", "U+2066"},
		{"name C1", []any{"RoomName", "Live\u009b"}, "RoomName", "U+009B"},
		{"name newline", []any{"RoomName", "Li\nve"}, "RoomName", "U+000A"},
		{"name empty string", []any{"RoomName", ""}, "RoomName", "Enter a room name"},
		{"name blank", []any{"RoomName", "   "}, "RoomName", "Enter a room name"},
		{"notice ESC", []any{"Notice", "hi\x1b]0;x\a"}, "Notice", "U+001B"},
		{"notice RLO", []any{"Notice", "hi\u202e"}, "Notice", "U+202E"},
		{"notice multiline", []any{"Notice", "line one\r\nline two"}, "", ""},
		{"notice 101 bytes", []any{"Notice", strings.Repeat("公", 33) + "ab"}, "Notice", "101 bytes"},
		{"bool bad", []any{"IsMessageDisabled", "maybe"}, "IsMessageDisabled", "true or false"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			orig := f.rendered(t)
			res, err := f.svc.Update(context.Background(), actor, roomID, edit(orig, tc.kv...), orig)
			if tc.field == "" {
				if err != nil || res.Outcome != audit.OutcomeOK || f.emu.Calls(tencent.CmdUpdateRoomInfo) != 1 {
					t.Fatalf("want accepted, got %+v %v", res, err)
				}
				return
			}
			var ve *rooms.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 || !strings.Contains(ve.Fields[tc.field], tc.msg) {
				t.Fatalf("err = %v (%#v), want %s: %q", err, ve, tc.field, tc.msg)
			}
			if f.emu.Calls(tencent.CmdUpdateRoomInfo) != 0 || len(f.records(t)) != 0 {
				t.Fatal("invalid input was sent or audited")
			}
		})
	}
}

func TestRoomIDRule(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"a", true}, {strings.Repeat("x", 48), true}, {"live/ops #7", true}, {"~!@$", true},
		{"", false}, {strings.Repeat("x", 49), false}, {"tab\there", false}, {"直播", false}, {"é", false},
		{".", false}, {"..", false}, {"...", true}, {"a.b", true},
	}
	for _, tc := range tests {
		if got := rooms.ValidateRoomID(tc.id) == ""; got != tc.ok {
			t.Errorf("ValidateRoomID(%q) ok = %v, want %v", tc.id, got, tc.ok)
		}
	}
	f := newFixture(t)
	_, err := f.svc.Update(context.Background(), actor, strings.Repeat("x", 49), rooms.Form{"RoomName": {"a"}}, rooms.Form{})
	var ve *rooms.ValidationError
	if !errors.As(err, &ve) || ve.Fields[rooms.FieldRoomID] == "" {
		t.Fatalf("err = %v", err)
	}
	if _, err := f.svc.Get(context.Background(), ""); !errors.As(err, &ve) {
		t.Fatalf("Get(\"\") err = %v", err)
	}
	if f.emu.Calls(tencent.CmdGetRoomInfo)+f.emu.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Fatal("an invalid RoomId reached Tencent")
	}
}

func TestValidatePatch(t *testing.T) {
	p, errs := rooms.Validate(rooms.Form{
		"RoomName": {" Hi "}, "IsMessageDisabled": {"false", "true"}, "IsPublicVisible": {"false"},
		"Category": {"", "3", ""}, "TakeSeatMode": {"ApplyToTake"},
	})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if *p.RoomName != "Hi" || !*p.IsMessageDisabled || *p.IsPublicVisible || len(*p.Category) != 1 ||
		*p.TakeSeatMode != "ApplyToTake" || p.Notice != nil || p.MaxMemberCount != nil {
		t.Fatalf("patch = %+v", p)
	}
}

func TestCheckboxRoundTrip(t *testing.T) {
	f := newFixture(t)
	orig := f.rendered(t) // IsMessageDisabled false, IsPublicVisible true
	sub := browser(orig)
	sub["IsMessageDisabled"] = []string{"false", "true"} // ticked
	sub["IsPublicVisible"] = []string{"false"}           // unticked
	res, err := f.svc.Update(context.Background(), actor, roomID, sub, orig)
	if err != nil || res.Outcome != audit.OutcomeOK {
		t.Fatalf("%+v %v", res, err)
	}
	want := `{"RoomInfo":{"RoomId":"live_test_1","IsMessageDisabled":true,"IsPublicVisible":false}}`
	if got := f.sent(); got[0] != want {
		t.Fatalf("sent %q", got)
	}
}

// TestCategorySlots: the form's three Category inputs take the first three
// values given, trimmed, blanks skipped; a fourth value has no slot.
func TestCategorySlots(t *testing.T) {
	got := rooms.Form{rooms.FieldCategory: {" 4 ", "", "5", "6", "7"}}.Category()
	if want := [rooms.MaxCategories]string{"4", "5", "6"}; got != want {
		t.Errorf("Category() = %q, want %q", got, want)
	}
}
