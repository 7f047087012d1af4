package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/bulkview"
)

func TestBulkNeedsOperator(t *testing.T) {
	env, _ := newRoomsEnv(t)
	viewer := env.Login(t, "vera")
	for _, path := range []string{"/bulk", "/bulk/1", "/bulk/1/progress", "/bulk/1/results.csv"} {
		if r := viewer.Get(path); r.StatusCode != http.StatusForbidden {
			t.Errorf("viewer GET %s: %d", path, r.StatusCode)
		}
	}
	for _, path := range []string{"/bulk", "/bulk/preview", "/bulk/1/cancel", "/bulk/1/retry"} {
		if r := viewer.PostForm(path, url.Values{"rooms": {seedRoom}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d", path, r.StatusCode)
		}
	}
	if r := env.Client(t).Get("/bulk"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous GET /bulk: %d", r.StatusCode)
	}
}

func TestRoomListLeadsToBulk(t *testing.T) {
	_, op := newRoomsEnv(t)
	d := doc(t, op.Get("/rooms"))
	if testid(d, "room-select").Length() == 0 || testid(d, "bulk-selected").Length() != 1 {
		t.Fatal("no selection checkboxes on the room list")
	}
	d = doc(t, op.Get("/bulk?room=live_1001&room=live_1002"))
	var got []string
	testid(d, "bulk-selected-room").Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("value", "")) })
	if strings.Join(got, ",") != "live_1001,live_1002" || testid(d, "bulk-rooms").Text() != "" {
		t.Errorf("selected %q, textarea %q", got, testid(d, "bulk-rooms").Text())
	}
}

func multipartForm(t *testing.T, fields url.Values, csvText string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if csvText != "" {
		fw, _ := w.CreateFormFile("csv", "rooms.csv")
		fw.Write([]byte(csvText))
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

func postMultipart(t *testing.T, c *apptest.Client, path string, fields url.Values, csvText string) *apptest.Response {
	t.Helper()
	body, ct := multipartForm(t, fields, csvText)
	return c.Do(http.MethodPost, path, body, append([]string{"Content-Type", ct, "X-CSRF-Token", c.CSRFToken()}, apptest.HTMX...)...)
}

func TestBulkPreviewListsBadLines(t *testing.T) {
	_, op := newRoomsEnv(t)
	csvText := "RoomId,MaxMemberCount\nlive_1001,10\nlive_1002,zero\n,5\n"
	r := postMultipart(t, op, "/bulk/preview", url.Values{"change": {"Notice"}, "Notice": {"hi"}}, csvText)
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || testid(d, "bulk-problems").Length() != 1 || testid(d, "bulk-start").Length() != 0 {
		t.Fatalf("preview with bad lines: %s", r)
	}
	var lines []string
	testid(d, "bulk-bad-line").Each(func(_ int, s *goquery.Selection) { lines = append(lines, s.AttrOr("data-line", "")) })
	if strings.Join(lines, ",") != "3,4" {
		t.Errorf("bad lines %v", lines)
	}
	// Each says what is wrong with it: the value, or the missing RoomId.
	for line, want := range map[string]string{"3": "Max members", "4": "RoomId"} {
		if got := d.Find(`[data-testid="bulk-bad-line"][data-line="` + line + `"] td`).Last().Text(); !strings.Contains(got, want) {
			t.Errorf("line %s says %q, want it to name %s", line, got, want)
		}
	}
	// Without htmx (a plain form post) the whole page comes back: the form
	// as submitted, the preview under it.
	body, ct := multipartForm(t, url.Values{"change": {"Notice"}, "Notice": {"hi"}}, csvText)
	plain := op.Do(http.MethodPost, "/bulk/preview", body, "Content-Type", ct, "X-CSRF-Token", op.CSRFToken())
	if pd := doc(t, plain); plain.StatusCode != http.StatusOK || testid(pd, "bulk-form").Length() != 1 || testid(pd, "bulk-bad-line").Length() != 2 {
		t.Errorf("plain preview: %s", plain)
	}
	// Starting anyway is refused.
	r = postMultipart(t, op, "/bulk", url.Values{"change": {"Notice"}, "Notice": {"hi"}}, csvText)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("start with bad lines: %d", r.StatusCode)
	}
}

func TestBulkStartAndFollow(t *testing.T) {
	env, op := newRoomsEnv(t)
	form := url.Values{"rooms": {"live_1001\nlive_1002, no-such-room"}, "change": {"ActivityStatus"}, "ActivityStatus": {"77"}}
	r := postMultipart(t, op, "/bulk/preview", form, "")
	d := doc(t, r)
	if got := testid(d, "bulk-room-count").Text(); got != "3" {
		t.Fatalf("preview room count %q: %s", got, r)
	}
	digest := testid(d, "bulk-start").AttrOr("value", "")
	// A start whose form differs from the preview is sent back to it.
	stale := url.Values{"rooms": form["rooms"], "change": form["change"], "ActivityStatus": {"78"}, "digest": {digest}}
	if r := postMultipart(t, op, "/bulk", stale, ""); r.StatusCode != http.StatusConflict {
		t.Fatalf("stale start: %s", r)
	}
	form.Set("digest", digest)
	r = postMultipart(t, op, "/bulk", form, "")
	loc := r.Header.Get("HX-Redirect")
	if r.StatusCode != http.StatusNoContent || !strings.HasPrefix(loc, "/bulk/") {
		t.Fatalf("start: %s", r)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		d = doc(t, op.Get(loc+"/progress", apptest.HTMX...))
		if testid(d, "bulk-progress").AttrOr("data-status", "") == "done" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("job did not finish")
		}
		time.Sleep(100 * time.Millisecond) // polls a condition; orders nothing
	}
	if _, polling := testid(d, "bulk-progress").Attr("hx-trigger"); polling {
		t.Error("a finished job's fragment still polls")
	}
	if testid(d, "bulk-done").Text() != "2" || testid(d, "bulk-failed").Text() != "1" {
		t.Errorf("counts done %s failed %s", testid(d, "bulk-done").Text(), testid(d, "bulk-failed").Text())
	}
	if env.Emulator.UpdateCount("live_1001") != 1 {
		t.Error("live_1001 not updated once")
	}
	csvResp := op.Get(loc + "/results.csv")
	if csvResp.StatusCode != 200 || !strings.Contains(csvResp.Body, "no-such-room,failed") ||
		!strings.HasPrefix(csvResp.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("results CSV: %s", csvResp)
	}
	page := doc(t, op.Get("/bulk"))
	if testid(page, "bulk-job-row").Length() != 1 {
		t.Error("the job is not in the recent list")
	}
	if r := op.PostForm(loc+"/cancel", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("cancel of an ended job: %s", r)
	}
	if r := op.Get("/bulk/999"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown job: %d", r.StatusCode)
	}
}

// A finished job with failed rooms offers "retry the failed rooms": a new
// job, linked both ways, and a second click lands on the same retry.
func TestBulkRetryFailedRooms(t *testing.T) {
	env, op := newRoomsEnv(t)
	actor := audit.Actor{Name: "olga", Role: "operator"}
	job, err := env.Bulk.Create(t.Context(), actor, bulk.Plan{Source: "test", Common: rooms.Form{rooms.FieldNotice: {"retry me"}},
		Rows: []bulk.Row{{Line: 1, RoomID: seedRoom, Fields: rooms.Form{rooms.FieldNotice: {"retry me"}}},
			{Line: 2, RoomID: "gone-room", Fields: rooms.Form{rooms.FieldNotice: {"retry me"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	path := bulkview.JobPath(job.ID)
	if r := op.PostForm(path+"/retry", url.Values{}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
		t.Fatalf("retry of an unfinished job: %s", r)
	}
	var d *goquery.Document
	deadline := time.Now().Add(20 * time.Second)
	for {
		d = doc(t, op.Get(path))
		if testid(d, "bulk-progress").AttrOr("data-status", "") == bulk.JobDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("job did not finish")
		}
		time.Sleep(50 * time.Millisecond) // polls a condition; orders nothing
	}
	if b := testid(d, "bulk-retry"); b.Length() != 1 || !strings.Contains(b.Text(), "Retry the 1 failed rooms") {
		t.Fatalf("no retry button on a job with a failed room: %q", b.Text())
	}
	// The room appears; now the retry can succeed.
	env.Emulator.PutRoom(emulator.Room{RoomID: "gone-room", RoomName: "back", TakeSeatMode: "FreeToTake", MaxMemberCount: 5})
	r := op.PostForm(path+"/retry", url.Values{})
	next := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || next == path || !strings.HasPrefix(next, "/bulk/") {
		t.Fatalf("retry: %s", r)
	}
	if again := op.PostForm(path+"/retry", url.Values{}); again.Header.Get("Location") != next {
		t.Errorf("a second retry went to %q, want the first retry %q", again.Header.Get("Location"), next)
	}
	d = doc(t, op.Get(next))
	if l := testid(d, "bulk-retry-of").Find("a"); l.AttrOr("href", "") != path {
		t.Errorf("the retry job does not link to the first: %q", l.AttrOr("href", ""))
	}
	d = doc(t, op.Get(path))
	if testid(d, "bulk-retry").Length() != 0 || testid(d, "bulk-retried-as").Find("a").AttrOr("href", "") != next {
		t.Error("the first job does not link to its retry")
	}
	if r := op.PostForm("/bulk/999/retry", url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Errorf("retry of an unknown job: %d", r.StatusCode)
	}
}

// A pasted RoomId with control characters is echoed as visible escapes,
// never raw: a NUL or a bidi override in the page would hide what the
// operator is looking at.
func TestBulkPreviewEscapesControlCharacters(t *testing.T) {
	_, op := newRoomsEnv(t)
	form := url.Values{"rooms": {"live_1001\nbad\x00id\nrtl\u202eid"}, "change": {"Notice"}, "Notice": {"hi"}}
	r := postMultipart(t, op, "/bulk/preview", form, "")
	body := r.Body
	if strings.ContainsAny(body, "\x00\u202e") {
		t.Fatalf("preview echoes control characters raw: %q", body)
	}
	d := doc(t, r)
	var got []string
	testid(d, "bulk-bad-line").Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
	joined := strings.Join(got, " | ")
	if !strings.Contains(joined, `bad\x00id`) || !strings.Contains(joined, `rtl\u202eid`) {
		t.Errorf("bad lines should show the ids escaped, got %q", joined)
	}
}
