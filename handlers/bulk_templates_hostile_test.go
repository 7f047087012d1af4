package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/rooms"
)

// A field sent twice is validated on its last value only (a checkbox's
// "true" follows its hidden "false"); the values before it were never
// checked, so a template must not keep them: 200 kB with a terminal escape
// and a bidi override stored beside "ok" and shown on every /bulk page.
func TestBulkTemplateKeepsOnlyCheckedValues(t *testing.T) {
	env, op := newRoomsEnv(t)
	junk := "<b>junk</b>\x1b[2J\u202e" + strings.Repeat("Z", 200_000)
	form := url.Values{"change": {rooms.FieldNotice, rooms.FieldCategory}, rooms.FieldNotice: {junk, "ok"},
		rooms.FieldCategory: {"", "7", ""}, "template_name": {"Smuggler"}}
	r := postMultipart(t, op, "/bulk/templates", form, "")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("save: %s", r)
	}
	list, err := env.Templates.List(t.Context(), env.Apps.Default().ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("templates %v %v", list, err)
	}
	if got := list[0].Fields[rooms.FieldNotice]; len(got) != 1 || got[0] != "ok" {
		t.Errorf("stored Notice values %d (first %.20q), want only the checked \"ok\"", len(got), got[0])
	}
	if got := list[0].Fields[rooms.FieldCategory]; len(got) != 1 || got[0] != "7" {
		t.Errorf("stored categories %q, want [7]", got)
	}
	page := op.Get("/bulk")
	if strings.Contains(page.Body, "ZZZZZZZZ") || strings.Contains(page.Body, "\x1b") {
		t.Error("the unchecked value is on the bulk page")
	}
}

// Names that read the same are the same name: another case (full folding),
// another encoding of a character, fullwidth letters, an invisible format
// character.
func TestBulkTemplateNamesThatLookAlike(t *testing.T) {
	env, op := newRoomsEnv(t)
	save := func(name string) int {
		form := url.Values{"change": {rooms.FieldNotice}, rooms.FieldNotice: {"Sale"}, "template_name": {name}}
		return postMultipart(t, op, "/bulk/templates", form, "").StatusCode
	}
	for _, first := range []string{"Weekend", "Straße", "Café"} {
		if got := save(first); got != http.StatusOK {
			t.Fatalf("save %q: %d", first, got)
		}
	}
	for _, alike := range []string{"WEEKEND", "Week\u200bend", "Weekend\ufeff", "Ｗｅｅｋｅｎｄ", "STRASSE", "Cafe\u0301", "CAFÉ"} {
		if got := save(alike); got != http.StatusUnprocessableEntity {
			t.Errorf("%q beside an existing look-alike: %d, want 422", alike, got)
		}
	}
	if list, _ := env.Templates.List(t.Context(), env.Apps.Default().ID); len(list) != 3 {
		t.Errorf("%d templates, want the 3 distinct names", len(list))
	}
}
