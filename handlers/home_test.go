package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// TestHomePage: after an edit, the home page's charts have a bar for it,
// with the same number in the table, and the room and the operator are
// listed; anyone not signed in is sent to the sign-in page.
func TestHomePage(t *testing.T) {
	env, olga := newRoomsEnv(t)
	if r := env.Client(t).Get("/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous /: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	v := browserForm(t, olga, seedRoom)
	v.Set("RoomName", "Home page edit")
	if r := post(olga, seedRoom, v); r.StatusCode != http.StatusOK {
		t.Fatalf("edit: %s", r)
	}
	r := olga.Get("/")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("/: %s", r)
	}
	d := doc(t, r)
	// The charts' titles count the edit.
	for _, id := range []string{"chart-day-title", "chart-week-title"} {
		if got := d.Find("#" + id).Text(); !strings.HasSuffix(got, "(1)") {
			t.Errorf("%s: %q", id, got)
		}
	}
	for _, id := range []string{"chart-day", "chart-week"} {
		chart := testid(d, id)
		if chart.Find("svg title").First().Text() == "" || chart.Find(`rect[data-count="1"]`).Length() != 1 ||
			chart.Find("rect").Length() != map[string]int{"chart-day": 24, "chart-week": 168}[id] {
			t.Errorf("%s: %d bars, %d with one edit", id, chart.Find("rect").Length(), chart.Find(`rect[data-count="1"]`).Length())
		}
		if rows := testid(d, id+"-table").Find("tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "1") {
			t.Errorf("%s table: %q", id, rows.Text())
		}
	}
	if testid(d, "home-room").AttrOr("data-room-id", "") != seedRoom || !strings.Contains(testid(d, "home-operator").Text(), "olga") {
		t.Errorf("rooms %q operators %q", testid(d, "home-rooms").Text(), testid(d, "home-operators").Text())
	}
	if !strings.Contains(testid(d, "home-unknown").Text(), "No edit") {
		t.Errorf("unknown: %q", testid(d, "home-unknown").Text())
	}
	// A bulk job is listed for an operator, under its app.
	change := rooms.Form{rooms.FieldNotice: {"Home page job"}}
	job, err := env.Bulk.Create(t.Context(), audit.Actor{Name: "olga", Role: "operator"}, bulk.Plan{Source: "test", Common: change,
		Rows: []bulk.Row{{Line: 1, RoomID: "live_1002", Fields: change}}})
	if err != nil {
		t.Fatal(err)
	}
	d = doc(t, olga.Get("/"))
	if href := testid(d, "home-job").Find("a").AttrOr("href", ""); href != components.AppPath(env.Apps.Default().ID)+bulkview.JobPath(job.ID) {
		t.Errorf("home jobs: %q, link %q", testid(d, "home-jobs").Text(), href)
	}
}
