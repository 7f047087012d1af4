package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// TestLabelsPageAndAuditList names a category on /admin/labels, refuses a
// bad code without changing anything, then reads the audit list: the
// change inline in words with the name, the bulk job linked, and the room
// and operator filters matching by prefix.
func TestLabelsPageAndAuditList(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	admin := env.Login(t, "ada")
	app := env.Apps.Default().ID

	bad := admin.PostForm("/admin/labels", url.Values{"app": {app}, "kind": {"category"}, "code": {"seven"}, "name": {"Music"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(testidText(t, bad, "labels-flash"), "Nothing was changed") {
		t.Fatalf("bad code: %d %s", bad.StatusCode, testidText(t, bad, "labels-flash"))
	}
	r := admin.PostForm("/admin/labels", url.Values{"app": {app}, "kind": {"category"}, "code": {"7"}, "name": {"Music"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(testidText(t, r, "labels-flash"), `Category 7 is now named "Music"`) {
		t.Fatalf("name: %d %s", r.StatusCode, testidText(t, r, "labels-flash"))
	}
	// The page lists the name under its app, and its form starts on the app.
	lp := doc(t, admin.Get("/admin/labels"))
	if testid(lp, "labels-app-"+app).Find(`[data-testid="label-row"][data-code="7"]`).Length() != 1 ||
		testid(lp, "label-app").Find("option[selected]").AttrOr("value", "") != app {
		t.Errorf("labels page: %q; form's app %q", testid(lp, "labels-app-"+app).Text(), testid(lp, "label-app").Find("option[selected]").AttrOr("value", ""))
	}
	page, _ := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionLabelsUpdate}, 0, 10)
	if len(page.Records) != 1 || page.Records[0].Entry.Actor != "ada" {
		t.Fatalf("labels.update rows: %+v", page.Records)
	}

	e := audit.Entry{Kind: audit.KindEvent, Actor: "olga", ActorRole: "operator", Action: audit.ActionRoomUpdate,
		RoomID: "live_1001", JobID: "42", App: app, Outcome: audit.OutcomeOK,
		Changes: []audit.Change{{Field: "Category", Before: "[4]", After: "[7,4]"},
			{Field: "IsMessageDisabled", Before: "false", After: "true"},
			{Field: "Notice", Before: `""`, After: `"` + strings.Repeat("long notice ", 10) + `"`}}}
	if err := env.Audit.Append(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	list := doc(t, admin.Get("/audit?room=live_10&actor=ol"))
	row := list.Find(`[data-testid="audit-row"][data-seq="` + itoa(e.Seq) + `"]`)
	if row.Length() != 1 {
		t.Fatalf("the prefix filters did not find the row:\n%s", list.Text())
	}
	for field, want := range map[string]string{
		"Category":          "Categories 4 → Music (7), 4",
		"IsMessageDisabled": "Mute chat No → Yes",
	} {
		got := strings.Join(strings.Fields(row.Find(`li[data-field="`+field+`"]`).Text()), " ")
		got = strings.Replace(got, " to ", " ", 1)
		if got != want {
			t.Errorf("%s inline: %q, want %q", field, got, want)
		}
	}
	if after := row.Find(`li[data-field="Notice"] .after`).Text(); !strings.HasSuffix(after, "…") || len([]rune(after)) != 40 {
		t.Errorf("a long value is not clipped to 40 characters: %q", after)
	}
	if href, _ := row.Find(`[data-testid="audit-job"]`).Attr("href"); href != "/apps/"+app+"/bulk/42" {
		t.Errorf("job link %q", href)
	}
	if n := doc(t, admin.Get("/audit?room=live_2")).Find(`[data-testid="audit-row"]`).Length(); n != 0 {
		t.Errorf("room prefix live_2 matched %d rows", n)
	}
	show := doc(t, admin.Get("/audit/"+itoa(e.Seq)))
	if got := show.Find(`[data-testid="change-row"][data-field="Category"] .after`).Text(); got != "Music (7), 4" {
		t.Errorf("entry page after: %q", got)
	}
	// A row from before apps (no app) reads with the default app's names.
	old := audit.Entry{Kind: audit.KindEvent, Actor: "olga", ActorRole: "operator", Action: audit.ActionRoomUpdate,
		RoomID: "live_1001", Outcome: audit.OutcomeOK, Changes: []audit.Change{{Field: "Category", Before: "[4]", After: "[7]"}}}
	if err := env.Audit.Append(context.Background(), &old); err != nil {
		t.Fatal(err)
	}
	if got := doc(t, admin.Get("/audit/"+itoa(old.Seq))).Find(`[data-testid="change-row"][data-field="Category"] .after`).Text(); got != "Music (7)" {
		t.Errorf("entry page of a row from before apps, after: %q", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
