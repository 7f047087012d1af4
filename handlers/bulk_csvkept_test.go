package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/rooms"
)

// TestBulkPageKeepsTheChosenCSV: applying a template redraws the bulk
// page, and a browser never refills a file input, so the page carries the
// chosen file itself: the next preview still reads its rooms (until a new
// file replaces it or the operator leaves it out).
func TestBulkPageKeepsTheChosenCSV(t *testing.T) {
	env, op := newRoomsEnv(t)
	save := url.Values{"change": {rooms.FieldNotice}, rooms.FieldNotice: {"Sale tonight"}, "template_name": {"Sale"}}
	if r := postMultipart(t, op, "/bulk/templates", save, ""); r.StatusCode != http.StatusOK {
		t.Fatalf("save: %s", r)
	}
	list, err := env.Templates.List(t.Context(), env.Apps.Default().ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("templates %v %v", list, err)
	}
	csvText := "\nRoomId,RoomName\r\nlive_1001,Alpha <b>&amp;\nlive_1002,Beta\n"
	r := postMultipart(t, op, "/bulk/templates/apply", url.Values{"template": {itoa64(list[0].ID)}}, csvText)
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || !strings.Contains(testid(d, "bulk-csv-kept").Text(), "rooms.csv") {
		t.Fatalf("apply with a CSV: %s", r)
	}
	kept := d.Find(`textarea[name="csv_kept"]`).Text()
	name := d.Find(`input[name="csv_name"]`).AttrOr("value", "")
	// Exactly, but for line breaks: HTML reads CRLF as LF (and a form
	// sends CRLF), which a CSV reads the same.
	if kept != strings.ReplaceAll(csvText, "\r\n", "\n") || name != "rooms.csv" {
		t.Fatalf("the page carries %q as %q; want the file", kept, name)
	}

	// The next preview, as the redrawn page submits it: no file, its text.
	next := url.Values{"change": {rooms.FieldNotice}, rooms.FieldNotice: {"Sale tonight"}, "csv_kept": {kept}, "csv_name": {name}}
	d = doc(t, postMultipart(t, op, "/bulk/preview", next, ""))
	if got := testid(d, "bulk-room-count").Text(); got != "2" || !strings.Contains(testid(d, "bulk-source").Text(), "rooms.csv") {
		t.Errorf("preview from the kept file: %q rooms, from %q", got, testid(d, "bulk-source").Text())
	}
	// A new file replaces it.
	d = doc(t, postMultipart(t, op, "/bulk/preview", next, "RoomId\nlive_1003\n"))
	if got := testid(d, "bulk-room-count").Text(); got != "1" {
		t.Errorf("a new file did not replace the kept one: %q rooms", got)
	}
	// Left out: no rooms at all.
	next.Set("csv_forget", "1")
	d = doc(t, postMultipart(t, op, "/bulk/preview", next, ""))
	if testid(d, "bulk-room-count").Length() != 0 || testid(d, "bulk-problems").Length() != 1 {
		t.Errorf("a file left out was still read")
	}
}
