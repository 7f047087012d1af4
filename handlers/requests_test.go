package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/components"
)

// newApprovalEnv is a console whose default app needs approval for
// listing/unlisting a room and for its capacity; alice and bob are
// operators, ada an admin, vera a viewer.
func newApprovalEnv(t *testing.T) (*apptest.Env, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	env := apptest.New(t, apptest.Options{Now: clock.Now})
	for name, role := range map[string]auth.Role{"alice": auth.RoleOperator, "bob": auth.RoleOperator, "ada": auth.RoleAdmin, "vera": auth.RoleViewer} {
		env.CreateUser(t, name, role)
	}
	_, err := env.Approvals.SetPolicy(context.Background(), audit.Actor{Name: "test", Role: "admin"}, approval.Policy{
		App: env.Apps.Default().ID, Fields: []string{"IsPublicVisible", "MaxMemberCount"}, Expiry: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return env, clock
}

// requestHide has c ask to unlist seedRoom (with reason) and returns the
// request's page path.
func requestChange(t *testing.T, env *apptest.Env, c *apptest.Client, change func(url.Values)) string {
	t.Helper()
	v := browserForm(t, c, seedRoom)
	change(v)
	v.Set("reason", "sponsor asked to hide it until 20:00")
	before := env.Emulator.Calls(tencent.CmdUpdateRoomInfo)
	r := post(c, seedRoom, v)
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || testid(d, "requested-panel").Length() != 1 {
		t.Fatalf("save under policy: %s", r)
	}
	if n := env.Emulator.Calls(tencent.CmdUpdateRoomInfo) - before; n != 0 {
		t.Fatalf("a change request sent %d updates", n)
	}
	return testid(d, "requested-link").AttrOr("href", "")
}

func unlist(v url.Values) { v.Del("IsPublicVisible"); v.Add("IsPublicVisible", "false") }

func TestRoomEditUnderPolicyBecomesARequest(t *testing.T) {
	env, _ := newApprovalEnv(t)
	alice := env.Login(t, "alice")
	d := doc(t, alice.Get(components.RoomURL(seedRoom)))
	if testid(d, "guarded-IsPublicVisible").Length() != 1 || testid(d, "guarded-MaxMemberCount").Length() != 1 ||
		testid(d, "guarded-RoomName").Length() != 0 || d.Find(`textarea[name="reason"]`).Length() != 1 {
		t.Fatal("the room page does not mark the guarded fields or ask for a reason")
	}
	// A guarded change without a reason: refused, nothing stored or sent.
	v := browserForm(t, alice, seedRoom)
	unlist(v)
	r := post(alice, seedRoom, v)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(testidText(t, r, "field-error-reason"), "reason is required") {
		t.Fatalf("no reason: %s", r)
	}
	if list, _ := env.Approvals.List(context.Background(), approval.Filter{App: env.Apps.Default().ID}, 10); len(list) != 0 {
		t.Fatalf("a request without a reason was stored")
	}
	path := requestChange(t, env, alice, unlist)
	if path != "/requests/1" {
		t.Errorf("request link = %q", path)
	}
	if room, _ := env.Emulator.Room(seedRoom); !room.IsPublicVisible {
		t.Error("the room was unlisted without approval")
	}
	// An unguarded field goes through as before.
	v = browserForm(t, alice, seedRoom)
	v.Set("RoomName", "Still editable")
	if r := post(alice, seedRoom, v); testid(doc(t, r), "result-panel").AttrOr("data-outcome", "") != "ok" {
		t.Fatalf("unguarded edit: %s", r)
	}
	// The list shows the request, to viewers too, and filters it.
	vera := env.Login(t, "vera")
	for q, want := range map[string]int{"": 1, "?status=pending": 1, "?status=approved": 0, "?requested_by=bob": 0, "?room=" + seedRoom: 1} {
		if n := testid(doc(t, vera.Get("/requests"+q)), "request-row").Length(); n != want {
			t.Errorf("/requests%s lists %d, want %d", q, n, want)
		}
	}
	// A viewer sees the request but gets no decision form.
	if d := doc(t, vera.Get(path)); testid(d, "approve").Length() != 0 || testidText(t, vera.Get(path), "request-status") != "Pending" {
		t.Error("a viewer is offered the decision")
	}
	// The role in the app decides: a global viewer who operates this app
	// is offered the decision.
	if u, err := env.Auth.ByUsername(t.Context(), "vera"); err != nil {
		t.Fatal(err)
	} else if err := env.Auth.SetAppRole(t.Context(), audit.Actor{Name: "test", Role: "admin"}, u.ID, env.Apps.Default().ID, auth.RoleOperator); err != nil {
		t.Fatal(err)
	}
	if testid(doc(t, vera.Get(path)), "approve").Length() != 1 {
		t.Error("an operator of the app (a global viewer) is not offered the decision")
	}
	// In the reader's language.
	for lang, want := range map[string]string{"ja": "承認待ち", "zh-CN": "待审批"} {
		if got := testidText(t, vera.Get(path, "Accept-Language", lang), "request-status"); got != want {
			t.Errorf("status in %s = %q, want %q", lang, got, want)
		}
	}
}

func TestSelfApprovalIsRefusedForEveryone(t *testing.T) {
	env, _ := newApprovalEnv(t)
	for _, name := range []string{"alice", "ada"} { // an operator, and an admin: no exemption
		t.Run(name, func(t *testing.T) {
			c := env.Login(t, name)
			path := requestChange(t, env, c, unlist)
			d := doc(t, c.Get(path))
			if testid(d, "approve").Length() != 0 || testid(d, "request-own").Length() != 1 {
				t.Fatal("the requester is offered the approve button")
			}
			r := c.PostForm(path+"/approve", url.Values{"comment": {"looks fine to me"}})
			if r.StatusCode != http.StatusConflict || !strings.Contains(testidText(t, r, "request-flash"), "you cannot approve it") ||
				testidText(t, r, "request-status") != "Pending" {
				t.Fatalf("self-approval: %s", r)
			}
			if room, _ := env.Emulator.Room(seedRoom); !room.IsPublicVisible {
				t.Fatal("a self-approved change was applied")
			}
			page, _ := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionDenied, Actor: name}, 0, 10)
			if len(page.Records) != 1 || !strings.Contains(page.Records[0].Entry.Detail, "self-approval refused") {
				t.Errorf("the refusal was not audited: %+v", page.Records)
			}
		})
	}
}

func TestApprovalAppliesAndLinksTheEntries(t *testing.T) {
	env, _ := newApprovalEnv(t)
	path := requestChange(t, env, env.Login(t, "alice"), unlist)
	bob := env.Login(t, "bob")
	if testid(doc(t, bob.Get(path)), "approve").Length() != 1 {
		t.Fatal("bob is not offered the approve button")
	}
	r := bob.PostForm(path+"/approve", url.Values{"comment": {"ok for tonight"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path+"?done=approved" {
		t.Fatalf("approve: %s", r)
	}
	page := bob.Get(path + "?done=approved")
	d := doc(t, page)
	if testidText(t, page, "request-status") != "Approved" || testidText(t, page, "request-decided-by") != "bob" ||
		testid(d, "request-outcome").AttrOr("data-outcome", "") != "ok" || testidText(t, page, "request-tencent-id") == "" {
		t.Fatalf("request after approval: %s", page)
	}
	if room, _ := env.Emulator.Room(seedRoom); room.IsPublicVisible {
		t.Error("the approved change was not applied")
	}
	steps := testid(d, "request-step-link")
	if steps.Length() != 3 {
		t.Fatalf("audit trail has %d entries, want 3 (requested, approved, update)", steps.Length())
	}
	// The steps in words; a room request shows what the field was when asked.
	if got := testid(d, "request-step").Text(); !strings.Contains(got, "Requested") || !strings.Contains(got, "Approved") {
		t.Errorf("steps: %q", got)
	}
	if ch := d.Find(`[data-testid="request-change"][data-field="IsPublicVisible"]`); ch.Find(".before").Text() != "true" || ch.Find(".after").Text() != "false" {
		t.Errorf("the change: %q → %q", ch.Find(".before").Text(), ch.Find(".after").Text())
	}
	// Each entry's page links back to the request.
	for i := range steps.Length() {
		href := steps.Eq(i).AttrOr("href", "")
		e := bob.Get(href)
		if got := doc(t, e).Find(`[data-testid="entry-request-link"]`).AttrOr("href", ""); got != path {
			t.Errorf("%s links back to %q, want %s", href, got, path)
		}
	}
	seq, _ := strconv.ParseInt(strings.TrimPrefix(steps.Eq(2).AttrOr("href", ""), "/audit/"), 10, 64)
	rec, _ := env.Audit.Get(context.Background(), seq)
	if rec.Entry.Action != audit.ActionRoomUpdate || rec.Entry.Detail != "request R-1 by alice, approved by bob" ||
		rec.Result == nil || rec.Result.RequestID != testidText(t, page, "request-tencent-id") {
		t.Errorf("the update entry = %+v", rec)
	}
	// Decided once.
	if r := env.Login(t, "ada").PostForm(path+"/approve", nil); r.StatusCode != http.StatusConflict ||
		!strings.Contains(testidText(t, r, "request-flash"), "already been decided") {
		t.Errorf("second approval: %s", r)
	}
	// A request in another app: its entries link to it under that app.
	if _, err := env.Approvals.SetPolicy(context.Background(), audit.Actor{Name: "test", Role: "admin"},
		approval.Policy{App: "demo-sg", Fields: []string{"IsPublicVisible"}, Expiry: time.Hour}); err != nil {
		t.Fatal(err)
	}
	alice := env.Login(t, "alice")
	v := appForm(t, alice, "/apps/demo-sg/rooms/"+seedRoom)
	unlist(v)
	v.Set("reason", "sponsor asked to hide it")
	sgPath := testid(doc(t, alice.PostForm("/apps/demo-sg/rooms/"+seedRoom, v, apptest.HTMX...)), "requested-link").AttrOr("href", "")
	if !strings.HasPrefix(sgPath, "/apps/demo-sg/requests/") {
		t.Fatalf("demo-sg request link %q", sgPath)
	}
	step := testid(doc(t, alice.Get(sgPath)), "request-step-link").First().AttrOr("href", "")
	if got := testid(doc(t, alice.Get(step)), "entry-request-link").AttrOr("href", ""); got != sgPath {
		t.Errorf("demo-sg's entry %s links to %q, want %s", step, got, sgPath)
	}
}

func TestExpiredRequestIsRefused(t *testing.T) {
	env, clock := newApprovalEnv(t)
	path := requestChange(t, env, env.Login(t, "alice"), unlist)
	clock.Add(24 * time.Hour) // no sweeper runs: the decision checks
	bob := env.Login(t, "bob")
	r := bob.PostForm(path+"/approve", nil)
	if r.StatusCode != http.StatusConflict || !strings.Contains(testidText(t, r, "request-flash"), "expired") ||
		testidText(t, r, "request-status") != "Expired" {
		t.Fatalf("approve after expiry: %s", r)
	}
	if room, _ := env.Emulator.Room(seedRoom); !room.IsPublicVisible || env.Emulator.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Error("an expired request was applied")
	}
}

func TestChangedSinceRequestedStopsTheApproval(t *testing.T) {
	env, _ := newApprovalEnv(t)
	room, _ := env.Emulator.Room(seedRoom)
	was := room.MaxMemberCount
	path := requestChange(t, env, env.Login(t, "alice"), func(v url.Values) { v.Set("MaxMemberCount", strconv.Itoa(was-1)) })
	room.MaxMemberCount = was + 7 // someone changes it another way
	env.Emulator.PutRoom(room)
	bob := env.Login(t, "bob")
	if r := bob.PostForm(path+"/approve", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %s", r)
	}
	page := bob.Get(path)
	if testidText(t, page, "request-status") != "Not applied: changed since" ||
		!strings.Contains(testidText(t, page, "request-outcome"), `Max members was "`+strconv.Itoa(was)+`" when requested and is now "`+strconv.Itoa(was+7)+`"`) {
		t.Fatalf("stale request page: %s", page)
	}
	if env.Emulator.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Error("a stale request sent an update")
	}
}

func TestPolicyPage(t *testing.T) {
	env, _ := newApprovalEnv(t)
	ada := env.Login(t, "ada")
	d := doc(t, ada.Get("/admin/policy"))
	if d.Find(`input[name="field"][value="IsPublicVisible"][checked]`).Length() != 1 ||
		d.Find(`input[name="field"][value="RoomName"][checked]`).Length() != 0 {
		t.Fatal("the policy page does not show the policy")
	}
	app := env.Apps.Default().ID
	r := ada.PostForm("/admin/policy", url.Values{"app": {app}, "field": {"RoomName"}, "bulk_above": {"lots"}, "expiry_hours": {"0"}})
	if r.StatusCode != http.StatusUnprocessableEntity || testid(doc(t, r), "policy-error-bulk_above").Length() != 1 ||
		testid(doc(t, r), "policy-error-expiry_hours").Length() != 1 {
		t.Fatalf("bad policy: %s", r)
	}
	if p, _ := env.Approvals.Policy(context.Background(), app); p.Guards("RoomName") {
		t.Fatal("a refused policy was stored")
	}
	r = ada.PostForm("/admin/policy", url.Values{"app": {app}, "field": {"RoomName"}, "bulk_above": {"50"}, "expiry_hours": {"4"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(testidText(t, r, "policy-flash"), "Saved") {
		t.Fatalf("save: %s", r)
	}
	if got := doc(t, ada.Get("/admin/policy")).Find(`input[name="expiry_hours"]`).AttrOr("value", ""); got != "4" {
		t.Errorf("the saved policy's expiry shows as %q hours", got)
	}
	p, _ := env.Approvals.Policy(context.Background(), app)
	if !p.Guards("RoomName") || p.Guards("IsPublicVisible") || p.BulkAbove != 50 || p.Expiry != 4*time.Hour {
		t.Errorf("stored policy = %+v", p)
	}
	page, _ := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionSettingsPolicy, Actor: "ada"}, 0, 10)
	if len(page.Records) != 1 || !strings.Contains(page.Records[0].Entry.Detail, "→") {
		t.Errorf("settings.policy entries = %+v", page.Records)
	}
	// The ends of each number are saved; one past them is the field's error.
	for _, tc := range []struct{ bulk, hours, bad string }{
		{"0", "1", ""}, {"1000000", "720", ""}, {"-1", "1", "bulk_above"}, {"1000001", "1", "bulk_above"}, {"0", "721", "expiry_hours"},
	} {
		r := ada.PostForm("/admin/policy", url.Values{"app": {app}, "field": {"RoomName"}, "bulk_above": {tc.bulk}, "expiry_hours": {tc.hours}})
		p, _ := env.Approvals.Policy(context.Background(), app)
		stored := strconv.Itoa(p.BulkAbove) == tc.bulk && strconv.Itoa(int(p.Expiry/time.Hour)) == tc.hours
		if tc.bad == "" && (r.StatusCode != http.StatusOK || !stored) {
			t.Errorf("bulk_above %s, expiry_hours %s: %d, stored %+v", tc.bulk, tc.hours, r.StatusCode, p)
		}
		if tc.bad != "" && (r.StatusCode != http.StatusUnprocessableEntity || testid(doc(t, r), "policy-error-"+tc.bad).Length() != 1 || stored) {
			t.Errorf("bulk_above %s, expiry_hours %s: %d, no error on %s, or stored %+v", tc.bulk, tc.hours, r.StatusCode, tc.bad, p)
		}
	}
	if r := ada.Get("/admin/policy?app=nope"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown app: %s", r)
	}
	// Another app's policy is named after it; the page links to the other app's.
	sg := doc(t, ada.Get("/admin/policy?app=demo-sg"))
	if got := testid(sg, "policy-form").Find("h2").Text(); got != "Demo SG" || testid(sg, "policy-app-"+app).Length() != 1 {
		t.Errorf("demo-sg's policy page: %q, link to %s: %d", got, app, testid(sg, "policy-app-"+app).Length())
	}
}

func TestBulkJobAboveThePolicyWaitsForApproval(t *testing.T) {
	env, _ := newApprovalEnv(t)
	app := env.Apps.Default().ID
	if _, err := env.Approvals.SetPolicy(context.Background(), audit.Actor{Name: "test"},
		approval.Policy{App: app, BulkAbove: 1, Expiry: time.Hour}); err != nil {
		t.Fatal(err)
	}
	alice := env.Login(t, "alice")
	form := url.Values{"rooms": {"live_1001\nlive_1002"}, "change": {"Notice"}, "Notice": {"Sale tonight"}}
	d := doc(t, postMultipart(t, alice, "/bulk/preview", form, ""))
	if testid(d, "bulk-approval").Length() != 1 {
		t.Fatal("the preview does not say the job needs approval")
	}
	form.Set("digest", testid(d, "bulk-start").AttrOr("value", ""))
	r := postMultipart(t, alice, "/bulk", form, "")
	if r.StatusCode != http.StatusUnprocessableEntity || testid(doc(t, r), "field-error-reason").Length() != 1 {
		t.Fatalf("start without a reason: %s", r)
	}
	form.Set("reason", "spring sale")
	r = postMultipart(t, alice, "/bulk", form, "")
	path := r.Header.Get("HX-Redirect")
	if path != "/requests/1" {
		t.Fatalf("start under policy: %s (to %q)", r, path)
	}
	if jobs, _ := env.Bulk.Recent(context.Background(), 10); len(jobs) != 0 {
		t.Fatalf("the job started before approval: %+v", jobs)
	}
	// A job of one room is not above the policy: it starts at once.
	one := url.Values{"rooms": {"live_1003"}, "change": {"Notice"}, "Notice": {"one"}}
	one.Set("digest", testid(doc(t, postMultipart(t, alice, "/bulk/preview", one, "")), "bulk-start").AttrOr("value", ""))
	if r := postMultipart(t, alice, "/bulk", one, ""); !strings.HasPrefix(r.Header.Get("HX-Redirect"), "/bulk/") {
		t.Fatalf("a small job: %s", r)
	}
	bob := env.Login(t, "bob")
	if r := bob.PostForm(path+"/approve", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %s", r)
	}
	page := bob.Get(path)
	job := testid(doc(t, page), "request-job").AttrOr("href", "")
	id, err := strconv.ParseInt(strings.TrimPrefix(job, "/bulk/"), 10, 64)
	if err != nil {
		t.Fatalf("no job link on the approved request: %s", page)
	}
	j, err := env.Bulk.Job(context.Background(), id)
	if err != nil || j.CreatedBy != "bob" || j.Total != 2 {
		t.Errorf("the approved job = %+v, %v", j, err)
	}
}

func TestRejectAndCancelByHTTP(t *testing.T) {
	env, _ := newApprovalEnv(t)
	alice, bob := env.Login(t, "alice"), env.Login(t, "bob")
	first := requestChange(t, env, alice, unlist)
	// Another app's URL does not show this app's request.
	if r := bob.Get("/apps/demo-sg" + first); r.StatusCode != http.StatusNotFound {
		t.Errorf("the request under another app: %s", r)
	}
	if r := bob.PostForm(first+"/reject", url.Values{"comment": {"not during the final"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %s", r)
	}
	page := bob.Get(first + "?done=rejected")
	if testidText(t, page, "request-status") != "Rejected" || testidText(t, page, "request-comment") != "not during the final" ||
		!strings.Contains(testidText(t, page, "request-flash"), "Nothing was sent") {
		t.Errorf("rejected request: %s", page)
	}
	second := requestChange(t, env, alice, unlist)
	if r := bob.PostForm(second+"/cancel", nil); r.StatusCode != http.StatusConflict ||
		!strings.Contains(testidText(t, r, "request-flash"), "Only the person who requested") {
		t.Errorf("cancel by another: %s", r)
	}
	if r := alice.PostForm(second+"/cancel", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %s", r)
	}
	if got := testidText(t, alice.Get(second), "request-status"); got != "Cancelled" {
		t.Errorf("cancelled request shows %q", got)
	}
	if room, _ := env.Emulator.Room(seedRoom); !room.IsPublicVisible || env.Emulator.Calls(tencent.CmdUpdateRoomInfo) != 0 {
		t.Error("a rejected or cancelled request changed the room")
	}
}
