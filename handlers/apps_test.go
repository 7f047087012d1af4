package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// appForm is what a browser submits from a room's form at path.
func appForm(t *testing.T, c *apptest.Client, path string) url.Values {
	t.Helper()
	r := c.Get(path)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, r)
	}
	v := url.Values{}
	testid(doc(t, r), "room-form").Find("input[name], select[name], textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if typ, _ := s.Attr("type"); typ == "checkbox" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		if goquery.NodeName(s) == "select" {
			v.Add(name, s.Find("option[selected]").AttrOr("value", ""))
			return
		}
		v.Add(name, s.AttrOr("value", s.Text()))
	})
	return v
}

// Demo mode serves two emulated apps. A user who is operator in demo-cn
// (a per-app role over a global viewer) and viewer in demo-sg edits
// demo-cn's rooms and not demo-sg's: that POST is a 403, audited with the
// app, and demo-sg's emulator receives no update.
func TestRolesPerApp(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	if len(env.Apps.All()) != 2 {
		t.Fatalf("demo mode has %d apps, want 2", len(env.Apps.All()))
	}
	admin := env.CreateUser(t, "ada", auth.RoleAdmin)
	u := env.CreateUser(t, "olga", auth.RoleViewer)
	if err := env.Auth.SetAppRole(t.Context(), auth.ActorFor(admin, audit.Actor{}), u.ID, "demo-cn", auth.RoleOperator); err != nil {
		t.Fatal(err)
	}
	c := env.Login(t, "olga")
	cn, sg := env.Emulators["demo-cn"], env.Emulators["demo-sg"]

	v := appForm(t, c, "/apps/demo-cn/rooms/live_1001")
	v.Set("RoomName", "CN edit")
	if r := c.PostForm("/apps/demo-cn/rooms/live_1001", v, apptest.HTMX...); r.StatusCode != http.StatusOK ||
		testid(doc(t, r), "result-panel").AttrOr("data-outcome", "") != "ok" {
		t.Fatalf("operator's edit in demo-cn: %s", r)
	}
	if room, _ := cn.Room("live_1001"); room.RoomName != "CN edit" {
		t.Errorf("demo-cn's room is %q", room.RoomName)
	}

	page := c.Get("/apps/demo-sg/rooms/live_1001")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("viewer reads demo-sg: %s", page)
	}
	d := doc(t, page)
	if testid(d, "app-name").Text() != "Demo SG" || !strings.Contains(d.Find("title").Text(), "Demo SG") ||
		strings.TrimSpace(testid(d, "role").Text()) != "viewer" {
		t.Errorf("demo-sg page: band %q, title %q, role %q", testid(d, "app-name").Text(), d.Find("title").Text(), testid(d, "role").Text())
	}
	if testid(d, "app-link-demo-cn").AttrOr("href", "") != "/apps/demo-cn/rooms" {
		t.Errorf("switcher: %q", testid(d, "app-link-demo-cn").AttrOr("href", ""))
	}
	// The title keeps the page's own name before the app's; the switcher
	// marks this app, not the other, as the current one.
	if title := d.Find("title").Text(); strings.Count(title, " · ") != 2 || !strings.HasSuffix(title, " · Demo SG · roomdesk") {
		t.Errorf("title %q, want the room, then the app", title)
	}
	if sg, cn := testid(d, "app-link-demo-sg").AttrOr("aria-current", ""), testid(d, "app-link-demo-cn").AttrOr("aria-current", ""); sg != "page" || cn != "false" {
		t.Errorf("switcher's aria-current: demo-sg %q, demo-cn %q", sg, cn)
	}
	v = appForm(t, c, "/apps/demo-cn/rooms/live_1002") // a form from the app they may edit
	v.Set("RoomName", "SG edit")
	if r := c.PostForm("/apps/demo-sg/rooms/live_1002", v, apptest.HTMX...); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer's edit in demo-sg: %s", r)
	}
	if n := len(sg.Bodies(tencent.CmdUpdateRoomInfo)); n != 0 {
		t.Errorf("demo-sg's emulator got %d updates", n)
	}
	denied, err := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionDenied, App: "demo-sg"}, 0, 10)
	if err != nil || len(denied.Records) != 1 ||
		denied.Records[0].Entry.Detail != "POST /apps/demo-sg/rooms/live_1002 needs role operator; olga has viewer" {
		t.Fatalf("audited refusals in demo-sg: %+v %v", denied.Records, err)
	}
	edits, _ := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionRoomUpdate, App: "demo-cn"}, 0, 10)
	if len(edits.Records) != 1 || edits.Records[0].Outcome() != audit.OutcomeOK {
		t.Errorf("demo-cn's edits in the log: %+v", edits.Records)
	}

	// The single-app URLs are the default app's (demo-cn), with the role there.
	if r := c.Get("/rooms/live_1001"); r.StatusCode != http.StatusOK || testid(doc(t, r), "app-name").Text() != "Demo CN" {
		t.Errorf("/rooms/live_1001: %s", r)
	}
	if r := c.Get("/apps/nope/rooms"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown app: %d", r.StatusCode)
	}
	if r := c.Get("/apps/demo-cn/nothing-here"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path in an app: %d", r.StatusCode)
	}

	// "none" keeps an app from a user altogether; clearing it restores the global role.
	actor := auth.ActorFor(admin, audit.Actor{})
	if err := env.Auth.SetAppRole(t.Context(), actor, u.ID, "demo-sg", auth.RoleNone); err != nil {
		t.Fatal(err)
	}
	if r := c.Get("/apps/demo-sg/rooms"); r.StatusCode != http.StatusForbidden {
		t.Errorf("role none: %d", r.StatusCode)
	}
	if d := doc(t, c.Get("/apps/demo-cn/rooms")); testid(d, "app-link-demo-sg").Length() != 0 || testid(d, "app-name").Text() != "Demo CN" {
		t.Error("the switcher offers an app kept from the user, or the page lost its app band")
	}
	if err := env.Auth.SetAppRole(t.Context(), actor, u.ID, "demo-sg", ""); err != nil {
		t.Fatal(err)
	}
	if r := c.Get("/apps/demo-sg/rooms"); r.StatusCode != http.StatusOK {
		t.Errorf("override cleared: %d", r.StatusCode)
	}
	changes, _ := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionUserAppRole}, 0, 10)
	if len(changes.Records) != 3 || changes.Records[0].Entry.App != "demo-sg" || changes.Records[0].Entry.Actor != "ada" {
		t.Errorf("role changes audited: %+v", changes.Records)
	}
	// Each app's colour is a rule of /apps.css (the CSP allows no inline style).
	css := c.Get("/apps.css")
	for _, a := range env.Apps.All() {
		if rule := `.app-band[data-app="` + a.ID + `"],.app-dot[data-app="` + a.ID + `"]{background:` + a.BandColor() + `}`; !strings.Contains(css.Body, rule) {
			t.Errorf("/apps.css has no %s:\n%s", rule, css.Body)
		}
	}
}

// Admins set a user's role per app on the users page.
func TestUsersPageSetsAppRoles(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	u := env.CreateUser(t, "vic", auth.RoleViewer)
	admin := env.Login(t, "ada")
	path := "/admin/users/" + strconv.FormatInt(u.ID, 10) + "/app-role"
	r := admin.PostForm(path, url.Values{"app": {"demo-sg"}, "role": {"operator"}})
	if r.StatusCode != http.StatusOK || strings.TrimSpace(testid(doc(t, r), "user-app-role-vic-demo-sg").Text()) != "demo-sg: operator" {
		t.Fatalf("set role: %s", r)
	}
	if role, err := env.Auth.RoleIn(t.Context(), u, "demo-sg"); err != nil || role != auth.RoleOperator {
		t.Errorf("role in demo-sg: %q %v", role, err)
	}
	if role, _ := env.Auth.RoleIn(t.Context(), u, "demo-cn"); role != auth.RoleViewer {
		t.Errorf("role in demo-cn: %q, want the global viewer", role)
	}
	// The flash says what the user has now: the role, no access, or the
	// global role again.
	if got := flashText(doc(t, r)); got != "vic now has operator in demo-sg." {
		t.Errorf("flash %q", got)
	}
	if n := testid(doc(t, r), "app-role-vic").Find(`option[value="demo-cn"], option[value="demo-sg"]`).Length(); n != 2 {
		t.Errorf("the per-app role form offers %d of the 2 apps", n)
	}
	for role, want := range map[string]string{"none": "vic now has none (no access) in demo-sg.", "": "vic now has the global role (viewer) in demo-sg."} {
		if got := flashText(doc(t, admin.PostForm(path, url.Values{"app": {"demo-sg"}, "role": {role}}))); got != want {
			t.Errorf("role %q: flash %q, want %q", role, got, want)
		}
	}
	admin.PostForm(path, url.Values{"app": {"demo-sg"}, "role": {"operator"}})
	for _, bad := range []url.Values{{"app": {"nope"}, "role": {"viewer"}}, {"app": {"demo-sg"}, "role": {"admin"}}} {
		if r := admin.PostForm(path, bad); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d, want 422", bad, r.StatusCode)
		}
	}
	if role, _ := env.Auth.RoleIn(t.Context(), u, "demo-sg"); role != auth.RoleOperator {
		t.Errorf("a refused change changed the role to %q", role)
	}
	if r := env.Login(t, "vic").PostForm(path, url.Values{"app": {"demo-cn"}, "role": {"operator"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer set their own role: %d", r.StatusCode)
	}
}

// A bulk job belongs to its app: started under /apps/demo-sg it edits
// demo-sg's rooms through demo-sg's client, its events carry the app, and
// it does not exist under demo-cn (nor under the single-app URLs, which
// are demo-cn's).
func TestBulkJobsPerApp(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	env.CreateUser(t, "otto", auth.RoleOperator)
	op := env.Login(t, "otto")
	form := url.Values{"rooms": {"live_1003"}, "change": {"ActivityStatus"}, "ActivityStatus": {"42"}}
	r := postMultipart(t, op, "/apps/demo-sg/bulk/preview", form, "")
	form.Set("digest", testid(doc(t, r), "bulk-start").AttrOr("value", ""))
	r = postMultipart(t, op, "/apps/demo-sg/bulk", form, "")
	loc := r.Header.Get("HX-Redirect")
	if r.StatusCode != http.StatusNoContent || !strings.HasPrefix(loc, "/apps/demo-sg/bulk/") {
		t.Fatalf("start in demo-sg: %s", r)
	}
	job := strings.TrimPrefix(loc, "/apps/demo-sg/bulk/")
	for _, p := range []string{"/apps/demo-cn/bulk/" + job, "/bulk/" + job, "/bulk/" + job + "/results.csv"} {
		if r := op.Get(p); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404 (another app's job)", p, r.StatusCode)
		}
	}
	if r := op.PostForm("/apps/demo-cn/bulk/"+job+"/cancel", url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Errorf("cancel from demo-cn: %d", r.StatusCode)
	}
	// The runner has no event to wait on; the deadline only bounds a failure.
	deadline := time.Now().Add(20 * time.Second)
	for testid(doc(t, op.Get(loc+"/progress", apptest.HTMX...)), "bulk-progress").AttrOr("data-status", "") != "done" {
		if time.Now().After(deadline) {
			t.Fatal("job did not finish")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := env.Emulators["demo-sg"].UpdateCount("live_1003"); n != 1 {
		t.Errorf("demo-sg's live_1003 updated %d times, want 1", n)
	}
	if n := env.Emulators["demo-cn"].UpdateCount("live_1003"); n != 0 {
		t.Errorf("demo-cn's live_1003 updated %d times by demo-sg's job", n)
	}
	page, err := env.Audit.List(context.Background(), audit.Filter{JobID: job}, 0, 20)
	if err != nil || len(page.Records) == 0 {
		t.Fatalf("job's audit records: %v %v", page.Records, err)
	}
	for _, rec := range page.Records {
		if rec.Entry.App != "demo-sg" {
			t.Errorf("job record %s %s has app %q", rec.Entry.Action, rec.Entry.RoomID, rec.Entry.App)
		}
	}
}
