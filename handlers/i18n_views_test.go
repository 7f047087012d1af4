package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

func langCtx(lang string) context.Context {
	return i18n.WithLocalizer(context.Background(), i18n.Default().Localizer(lang))
}

// TestTencentMeaningsTranslated: every code tencent.Describe knows has a
// message whose English is exactly Describe's (so the two cannot drift),
// and codes it does not know get the same range sentence; in Chinese and
// Japanese neither is the English.
func TestTencentMeaningsTranslated(t *testing.T) {
	en, zh, ja := langCtx(i18n.English), langCtx(i18n.Chinese), langCtx(i18n.Japanese)
	known := 0
	// Each range's first and last code and their neighbours, so a range
	// drawn one code too wide or too narrow here differs from Describe's.
	edges := map[int]bool{}
	for _, r := range [][2]int{{100200, 100299}, {100400, 100499}, {100000, 100999}, {70000, 79999}, {60000, 69999}} {
		edges[r[0]-1], edges[r[0]], edges[r[1]], edges[r[1]+1] = true, true, true, true
	}
	for code := 1; code < 200000; code++ {
		info := tencent.Describe(code)
		if !info.Known && code%997 != 0 && !edges[code] {
			continue // the unknown ones: a sample of every range, and its edges
		}
		known++
		if got := meaningText(en, code); got != info.Meaning {
			t.Errorf("code %d in English:\n got %q\nwant %q (tencent.Describe)", code, got, info.Meaning)
		}
		for _, ctx := range []context.Context{zh, ja} {
			if got := meaningText(ctx, code); got == info.Meaning || strings.Contains(got, "⟦") {
				t.Errorf("code %d in %s: %q", code, i18n.Lang(ctx), got)
			}
		}
	}
	if known < 80 {
		t.Fatalf("only %d codes checked", known)
	}
}

// TestValidationProblemsTranslated: each validation problem's English
// message from the catalogue is exactly the English internal/rooms wrote,
// and the Chinese one is Chinese.
func TestValidationProblemsTranslated(t *testing.T) {
	long := strings.Repeat("x", 101)
	forms := []rooms.Form{
		{rooms.FieldRoomName: {""}}, {rooms.FieldRoomName: {long}}, {rooms.FieldRoomName: {strings.Repeat("长", 40)}},
		{rooms.FieldRoomName: {"a\u202eb"}}, {rooms.FieldRoomName: {"a\xffb"}},
		{rooms.FieldMaxMemberCount: {""}}, {rooms.FieldMaxMemberCount: {"lots"}}, {rooms.FieldMaxMemberCount: {"0"}},
		{rooms.FieldMaxMemberCount: {"99999999999999999999999"}}, {rooms.FieldMaxMemberCount: {"3000000000"}},
		{rooms.FieldActivityStatus: {""}}, {rooms.FieldActivityStatus: {"x"}}, {rooms.FieldActivityStatus: {"99999999999"}},
		{rooms.FieldCategory: {"a"}}, {rooms.FieldCategory: {"1", "1"}}, {rooms.FieldCategory: {"1", "2", "3", "4"}},
		{rooms.FieldCoverURL: {"https://x/" + strings.Repeat("a", 200)}}, {rooms.FieldCoverURL: {"http://a b"}},
		{rooms.FieldCoverURL: {"javascript:alert(1)"}}, {rooms.FieldCoverURL: {"https:///x"}},
		{rooms.FieldTakeSeatMode: {"Anyone"}}, {rooms.FieldIsPublicVisible: {"maybe"}}, {rooms.FieldNotice: {"a\x00b"}},
	}
	ids := map[string]bool{}
	for _, f := range forms {
		_, probs := rooms.ValidateProblems(f)
		if len(probs) != 1 {
			t.Fatalf("%v: %d problems", f, len(probs))
		}
		for _, p := range probs {
			ids[p.ID] = true
			if got := problemText(langCtx(i18n.English), p); got != p.Text {
				t.Errorf("%s in English:\n got %q\nwant %q (internal/rooms)", p.ID, got, p.Text)
			}
			if got := problemText(langCtx(i18n.Chinese), p); got == p.Text || strings.Contains(got, "⟦") || strings.Contains(got, "Room name") {
				t.Errorf("%s in Chinese: %q", p.ID, got)
			}
		}
	}
	for _, id := range []string{"", "..", "é", strings.Repeat("r", 49)} {
		p := rooms.CheckRoomID(id)
		ids[p.ID] = true
		if got := problemText(langCtx(i18n.English), p); got != p.Text {
			t.Errorf("RoomId %q in English:\n got %q\nwant %q", id, got, p.Text)
		}
	}
	for _, id := range i18n.Default().IDs(i18n.English) {
		if strings.HasPrefix(id, "valid.") && !ids[id] && id != "valid.UnknownField" {
			t.Errorf("%s is never produced by the inputs above: add one", id)
		}
	}
}

// TestBulkMessagesTranslated: each sentence internal/bulk writes is
// recognised, reads exactly the same from the English catalogue, and is
// Chinese in Chinese.
func TestBulkMessagesTranslated(t *testing.T) {
	msgs := []string{
		"Choose the rooms: tick them on the room list, paste RoomIds, or upload a CSV with a RoomId column.",
		"20001 rooms is more than one job takes (20000); split the list.",
		`Tick "change this field" for at least one field (or give per-room values in CSV columns).`,
		"Nothing to change for this room: no field is ticked above and it has no CSV values.",
		"The list of rooms is over 2 MB; split it into several jobs.",
		`The file is not UTF-8 text; save it as "CSV UTF-8".`,
		"The file has no header line: the file is empty",
		"CSV syntax error: bare \" in non-quoted-field; the rest of the file was not read.",
		"This line has 3 cells; the header has 2.",
		"RoomId live_1 is already on line 2.",
		"The column Notice appears twice in the header.",
		`Unknown column "Foo" in the header; columns are RoomId and the API field names: RoomName, Notice.`,
		"Updated.",
		"Already applied by an earlier attempt; not sent again.",
		"Nothing to update: the room already has these values.",
		"No such room (or it was dismissed).",
		"Not sent: Tencent answered 60007 (" + tencent.Describe(60007).Meaning + ") after roomdesk's retries. Retry the failed rooms when the job has ended.",
	}
	for _, m := range msgs {
		if got := bulkText(langCtx(i18n.English), m, 0); got != m {
			t.Errorf("English:\n got %q\nwant %q", got, m)
		}
		if got := bulkText(langCtx(i18n.Chinese), m, 0); got == m || strings.Contains(got, "⟦") {
			t.Errorf("not translated into Chinese: %q", m)
		}
	}
	if got := bulkText(langCtx(i18n.Japanese), tencent.Describe(100004).Meaning, 100004); got != meaningText(langCtx(i18n.Japanese), 100004) {
		t.Errorf("a failed item's meaning in Japanese: %q", got)
	}
}
