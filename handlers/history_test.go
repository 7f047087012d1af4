package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// formValues is what a browser submits from the room form on a page.
func formValues(t *testing.T, r *apptest.Response) (action string, v url.Values) {
	t.Helper()
	form := testid(doc(t, r), "room-form")
	if form.Length() != 1 {
		t.Fatalf("no room form: %s", r)
	}
	v = url.Values{}
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
	return form.AttrOr("action", ""), v
}

// editName saves a new room name through the room form; it returns the
// audit entry (the intent's seq).
func editName(t *testing.T, c *apptest.Client, name string) int64 {
	t.Helper()
	v := browserForm(t, c, seedRoom)
	v.Set("RoomName", name)
	r := post(c, seedRoom, v)
	d := doc(t, r)
	if testid(d, "result-panel").AttrOr("data-outcome", "") != "ok" {
		t.Fatalf("edit: %s", r)
	}
	seq, err := strconv.ParseInt(strings.TrimPrefix(testid(d, "audit-link").Text(), "#"), 10, 64)
	if err != nil {
		t.Fatalf("audit link: %v", err)
	}
	return seq
}

func TestRoomHistoryListsEditsAndChangesMadeOutside(t *testing.T) {
	env, c := newRoomsEnv(t)
	before, _ := env.Emulator.Room(seedRoom)
	seq := editName(t, c, "Finals night")
	// Someone changes the room at Tencent directly.
	room, _ := env.Emulator.Room(seedRoom)
	room.Notice = "Set by the app's backend"
	env.Emulator.PutRoom(room)

	r := c.Get(components.RoomURL(seedRoom) + "/history")
	d := doc(t, r)
	rows := testid(d, "history-row")
	if r.StatusCode != http.StatusOK || rows.Length() != 2 {
		t.Fatalf("history: %d rows: %s", rows.Length(), r)
	}
	outside, edit := rows.Eq(0), rows.Eq(1)
	if outside.AttrOr("data-kind", "") != "outside" || outside.Find(`[data-testid="history-label"]`).Text() != "Changed outside roomdesk" {
		t.Errorf("newest row: %s", outside.Text())
	}
	if strings.Contains(outside.Text(), "ErrorCode") {
		t.Errorf("a change made outside shows an ErrorCode: %q", outside.Text())
	}
	ch := outside.Find(`[data-testid="history-change"][data-field="Notice"]`)
	if ch.Find(".before").Text() != before.Notice || ch.Find(".after").Text() != "Set by the app's backend" {
		t.Errorf("outside change row: %q", ch.Text())
	}
	if outside.Find(`[data-testid="history-revert"]`).Length() != 1 {
		t.Error("a change made outside has no Revert link")
	}
	if edit.AttrOr("data-seq", "") != strconv.FormatInt(seq, 10) || edit.AttrOr("data-kind", "") != "edit" ||
		edit.Find(`[data-testid="history-outcome"]`).AttrOr("data-outcome", "") != "ok" ||
		edit.Find(`[data-testid="history-actor"]`).Text() != "olga" ||
		edit.Find(`[data-testid="request-id"]`).Length() != 1 {
		t.Errorf("edit row: %s", edit.Text())
	}
	ch = edit.Find(`[data-testid="history-change"][data-field="RoomName"]`)
	if ch.Find(".before").Text() != before.RoomName || ch.Find(".after").Text() != "Finals night" {
		t.Errorf("edit change row: %q", ch.Text())
	}
	link := edit.Find(`[data-testid="history-revert"]`).AttrOr("href", "")
	if !strings.Contains(link, "revert") {
		t.Errorf("edit row's Revert link %q", link)
	}
	// The room page links to it.
	if href := testid(doc(t, c.Get(components.RoomURL(seedRoom))), "room-history-link").AttrOr("href", ""); href != "/rooms/"+seedRoom+"/history" {
		t.Errorf("room page's history link %q", href)
	}
	// A viewer reads the same history, without Revert links.
	vr := env.Login(t, "vera").Get("/rooms/" + seedRoom + "/history")
	if vd := doc(t, vr); testid(vd, "history-row").Length() != 2 || testid(vd, "history-revert").Length() != 0 {
		t.Errorf("viewer's history: %s", vr)
	}
	// Reading it again records nothing new: each difference is recorded once.
	p, err := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionChangedOutside}, 0, 10)
	if err != nil || len(p.Records) != 1 {
		t.Fatalf("changed-outside entries: %d, %v", len(p.Records), err)
	}
}

func TestRevertFromTheAuditEntry(t *testing.T) {
	env, c := newRoomsEnv(t)
	before, _ := env.Emulator.Room(seedRoom)
	seq := editName(t, c, "Finals night")
	v := browserForm(t, c, seedRoom)
	v.Set("Notice", "Untouched by the revert")
	if r := post(c, seedRoom, v); r.StatusCode != http.StatusOK {
		t.Fatal(r)
	}
	entry := "/audit/" + strconv.FormatInt(seq, 10)
	ed := doc(t, c.Get(entry))
	link := testid(ed, "entry-revert").AttrOr("href", "")
	if !strings.Contains(link, "revert") {
		t.Fatalf("entry page's Revert link %q", link)
	}
	if h := testid(ed, "entry-history").AttrOr("href", ""); !strings.HasSuffix(h, "/rooms/"+seedRoom+"/history") {
		t.Errorf("entry page's room history link %q", h)
	}
	r := c.Get(link)
	d := doc(t, r)
	if r.StatusCode != http.StatusOK || !strings.Contains(testid(d, "revert-banner").Text(), "#"+strconv.FormatInt(seq, 10)) {
		t.Fatalf("revert form: %s", r)
	}
	action, form := formValues(t, r)
	if form.Get("RoomName") != before.RoomName || form.Get("orig_RoomName") != "Finals night" ||
		form.Get("Notice") != "Untouched by the revert" || action != link {
		t.Fatalf("revert form: action %q, values %v", action, form)
	}
	calls := env.Emulator.Calls(tencent.CmdUpdateRoomInfo)
	r = c.PostForm(action, form, apptest.HTMX...)
	d = doc(t, r)
	if r.StatusCode != http.StatusOK || testid(d, "result-panel").AttrOr("data-outcome", "") != "ok" {
		t.Fatalf("revert save: %s", r)
	}
	// Done: the form is the room's again, no longer a revert.
	if after, _ := formValues(t, r); testid(d, "revert-banner").Length() != 0 || strings.HasSuffix(after, "/revert") {
		t.Errorf("after the revert: banner %d, form posts to %q", testid(d, "revert-banner").Length(), after)
	}
	bodies := env.Emulator.Bodies(tencent.CmdUpdateRoomInfo)
	want := `{"RoomInfo":{"RoomId":"` + seedRoom + `","RoomName":"` + before.RoomName + `"}}`
	if len(bodies) != calls+1 || string(bodies[calls]) != want {
		t.Fatalf("sent %q, want %s", bodies[calls:], want)
	}
	if room, _ := env.Emulator.Room(seedRoom); room.RoomName != before.RoomName || room.Notice != "Untouched by the revert" {
		t.Errorf("room after the revert: %+v", room)
	}
	revert, err := strconv.ParseInt(strings.TrimPrefix(testid(d, "audit-link").Text(), "#"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := env.Audit.Get(context.Background(), revert)
	if err != nil || rec.Entry.Detail != "reverts #"+strconv.FormatInt(seq, 10) || rec.Entry.Actor != "olga" {
		t.Fatalf("revert entry: %+v %v", rec.Entry, err)
	}
	// Both entries link to each other.
	if got := testid(doc(t, c.Get(entry)), "entry-reverted-by").Text(); !strings.Contains(got, "#"+strconv.FormatInt(revert, 10)) {
		t.Errorf("original's page: reverted by %q", got)
	}
	if got := testid(doc(t, c.Get("/audit/"+strconv.FormatInt(revert, 10))), "entry-reverts").Text(); !strings.Contains(got, "#"+strconv.FormatInt(seq, 10)) {
		t.Errorf("revert's page: reverts %q", got)
	}
	h := doc(t, c.Get("/rooms/"+seedRoom+"/history"))
	if row := h.Find(`[data-testid="history-row"][data-seq="` + strconv.FormatInt(revert, 10) + `"]`); row.AttrOr("data-kind", "") != "revert" {
		t.Errorf("history row of the revert: %q", row.Text())
	}
	// A row from before apps (no app) is the default app's: it is reverted
	// at the single-app URL.
	old := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionChangedOutside, Actor: "system", Outcome: audit.OutcomeOK, RoomID: seedRoom,
		Changes: []audit.Change{{Field: rooms.FieldNotice, Before: "Before apps", After: "Untouched by the revert"}}}
	if err := env.Audit.Append(context.Background(), &old); err != nil {
		t.Fatal(err)
	}
	if got := testid(doc(t, c.Get("/audit/"+strconv.FormatInt(old.Seq, 10))), "entry-revert").AttrOr("href", ""); got != "/audit/"+strconv.FormatInt(old.Seq, 10)+"/revert" {
		t.Errorf("revert link of a row from before apps: %q", got)
	}
	// A row of an app no longer configured has nothing to revert with.
	gone := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionChangedOutside, Actor: "system", Outcome: audit.OutcomeOK, RoomID: seedRoom,
		App: "retired-app", Changes: old.Changes}
	if err := env.Audit.Append(context.Background(), &gone); err != nil {
		t.Fatal(err)
	}
	if r := c.Get("/audit/" + strconv.FormatInt(gone.Seq, 10)); r.StatusCode != http.StatusOK || testid(doc(t, r), "entry-revert").Length() != 0 {
		t.Errorf("a row of an app no longer configured: %d, %d Revert links", r.StatusCode, testid(doc(t, r), "entry-revert").Length())
	}
}

func TestRevertShowsAFieldChangedSinceAsAConflict(t *testing.T) {
	env, c := newRoomsEnv(t)
	seq := editName(t, c, "Finals night")
	room, _ := env.Emulator.Room(seedRoom)
	room.RoomName = "Renamed again elsewhere"
	env.Emulator.PutRoom(room)
	link := "/audit/" + strconv.FormatInt(seq, 10) + "/revert"
	r := c.Get(link)
	if got := testidText(t, r, "revert-changed-since"); !strings.Contains(got, "Room name") {
		t.Errorf("changed-since warning %q", got)
	}
	action, form := formValues(t, r)
	calls := env.Emulator.Calls(tencent.CmdUpdateRoomInfo)
	// The form was opened before the second change: its orig_ is what #seq set.
	form.Set("orig_RoomName", "Finals night")
	r = c.PostForm(action, form, apptest.HTMX...)
	if r.StatusCode != http.StatusConflict || testid(doc(t, r), "conflict-panel").Length() != 1 {
		t.Fatalf("revert over a later change: %s", r)
	}
	// Not done: the form still reverts, under its banner.
	if after, _ := formValues(t, r); testid(doc(t, r), "revert-banner").Length() != 1 || !strings.HasSuffix(after, link) {
		t.Errorf("after a refused revert: banner %d, form posts to %q", testid(doc(t, r), "revert-banner").Length(), after)
	}
	if env.Emulator.Calls(tencent.CmdUpdateRoomInfo) != calls {
		t.Error("a conflicting revert was sent")
	}
	if room, _ := env.Emulator.Room(seedRoom); room.RoomName != "Renamed again elsewhere" {
		t.Errorf("room name overwritten: %q", room.RoomName)
	}
}

func TestRevertRefusesWhatIsNotAChange(t *testing.T) {
	env, c := newRoomsEnv(t)
	p, err := env.Audit.List(context.Background(), audit.Filter{Action: audit.ActionLogin}, 0, 1)
	if err != nil || len(p.Records) == 0 {
		t.Fatal(err)
	}
	link := "/audit/" + strconv.FormatInt(p.Records[0].Entry.Seq, 10) + "/revert"
	if r := c.Get(link); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("GET revert of a sign-in: %s", r)
	}
	for _, seq := range []string{"999999", "0", "-1"} {
		if r := c.Get("/audit/" + seq + "/revert"); r.StatusCode != http.StatusNotFound {
			t.Errorf("GET revert of entry %s: %s", seq, r)
		}
	}
}

// waitJobPage reloads a job's page until it has ended.
func waitJobPage(t *testing.T, c *apptest.Client, path string) *goquery.Document {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a hang guard, not a measurement
	for {
		d := doc(t, c.Get(path))
		if s := testid(d, "bulk-progress").AttrOr("data-status", ""); s == bulk.JobDone || s == bulk.JobCancelled {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s did not finish", path)
		}
		time.Sleep(50 * time.Millisecond) // polls a condition; orders nothing
	}
}

func TestRevertAFinishedBulkJobAsANewJob(t *testing.T) {
	env, op := newRoomsEnv(t)
	const other = "live_1002"
	before := map[string]string{}
	for _, id := range []string{seedRoom, other} {
		r, _ := env.Emulator.Room(id)
		before[id] = r.Notice
	}
	change := rooms.Form{rooms.FieldNotice: {"Campaign notice"}}
	job, err := env.Bulk.Create(t.Context(), audit.Actor{Name: "olga", Role: "operator"}, bulk.Plan{Source: "test", Common: change,
		Rows: []bulk.Row{{Line: 1, RoomID: seedRoom, Fields: change}, {Line: 2, RoomID: other, Fields: change}}})
	if err != nil {
		t.Fatal(err)
	}
	path := bulkview.JobPath(job.ID)
	if testid(waitJobPage(t, op, path), "bulk-revert").Length() != 1 {
		t.Fatal("no Revert button on a finished job that changed rooms")
	}
	// One room is changed again elsewhere: its revert must leave it alone.
	room, _ := env.Emulator.Room(other)
	room.Notice = "Changed again elsewhere"
	env.Emulator.PutRoom(room)

	r := op.PostForm(path+"/revert", url.Values{})
	next := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || next == path || !strings.HasPrefix(next, "/bulk/") {
		t.Fatalf("revert: %s", r)
	}
	if again := op.PostForm(path+"/revert", url.Values{}); again.Header.Get("Location") != next {
		t.Errorf("a second revert went to %q, want the first %q", again.Header.Get("Location"), next)
	}
	d := waitJobPage(t, op, next)
	if l := testid(d, "bulk-revert-of").Find("a"); l.AttrOr("href", "") != path {
		t.Errorf("the revert job does not link to the job: %q", l.AttrOr("href", ""))
	}
	failed := d.Find(`[data-testid="bulk-items"] tr[data-status="failed"]`)
	if failed.Length() != 1 || !strings.Contains(failed.Text(), "changed since") {
		t.Errorf("the room changed since: %q", failed.Text())
	}
	if r, _ := env.Emulator.Room(seedRoom); r.Notice != before[seedRoom] {
		t.Errorf("%s not restored: %q", seedRoom, r.Notice)
	}
	if r, _ := env.Emulator.Room(other); r.Notice != "Changed again elsewhere" {
		t.Errorf("%s overwritten: %q", other, r.Notice)
	}
	d = doc(t, op.Get(path))
	if testid(d, "bulk-revert").Length() != 0 || testid(d, "bulk-reverted-as").Find("a").AttrOr("href", "") != next {
		t.Error("the job does not link to its revert")
	}
	// The restored room's history shows the bulk edit reverted by the revert job's entry.
	h := doc(t, op.Get("/rooms/"+seedRoom+"/history"))
	if testid(h, "history-reverted-by").Length() != 1 || h.Find(`[data-kind="revert"]`).Length() != 1 {
		t.Errorf("restored room's history: %q", testid(h, "history").Text())
	}
	// A job that changed no room (its one room failed) has nothing to revert.
	none, err := env.Bulk.Create(t.Context(), audit.Actor{Name: "olga", Role: "operator"}, bulk.Plan{Source: "test", Common: change,
		Rows: []bulk.Row{{Line: 1, RoomID: "live_missing", Fields: change}}})
	if err != nil {
		t.Fatal(err)
	}
	d = waitJobPage(t, op, bulkview.JobPath(none.ID))
	if d.Find(`[data-testid="bulk-items"] tr[data-status="failed"]`).Length() != 1 || testid(d, "bulk-revert").Length() != 0 {
		t.Errorf("a job that changed nothing: failed rows %d, revert buttons %d",
			d.Find(`[data-testid="bulk-items"] tr[data-status="failed"]`).Length(), testid(d, "bulk-revert").Length())
	}
}

// A revert of a field the app's policy guards is a change request like any
// save of it: nothing is sent, and the request says what it reverts.
func TestRevertOfAGuardedFieldBecomesAChangeRequest(t *testing.T) {
	env, c := newRoomsEnv(t)
	seq := editName(t, c, "Finals night")
	if _, err := env.Approvals.SetPolicy(context.Background(), audit.Actor{Name: "test", Role: "admin"}, approval.Policy{
		App: env.Apps.Default().ID, Fields: []string{"RoomName"}, Expiry: time.Hour}); err != nil {
		t.Fatal(err)
	}
	r := c.Get("/audit/" + strconv.FormatInt(seq, 10) + "/revert")
	action, form := formValues(t, r)
	calls := env.Emulator.Calls(tencent.CmdUpdateRoomInfo)
	r = c.PostForm(action, form, apptest.HTMX...)
	if r.StatusCode != http.StatusOK || testid(doc(t, r), "requested-panel").Length() != 1 {
		t.Fatalf("revert of a guarded field: %s", r)
	}
	if env.Emulator.Calls(tencent.CmdUpdateRoomInfo) != calls {
		t.Error("a guarded revert was sent without approval")
	}
	if room, _ := env.Emulator.Room(seedRoom); room.RoomName != "Finals night" {
		t.Errorf("room name changed without approval: %q", room.RoomName)
	}
	p, err := env.Audit.List(context.Background(), audit.Filter{Action: "request.create"}, 0, 1)
	if err != nil || len(p.Records) != 1 || !strings.Contains(p.Records[0].Entry.Detail, "reverts #"+strconv.FormatInt(seq, 10)) {
		t.Errorf("the request does not say what it reverts: %+v %v", p.Records, err)
	}
}

func TestRevertOfAJobSettingAGuardedFieldBecomesAChangeRequest(t *testing.T) {
	env, op := newRoomsEnv(t)
	change := rooms.Form{rooms.FieldNotice: {"Campaign notice"}}
	job, err := env.Bulk.Create(t.Context(), audit.Actor{Name: "olga", Role: "operator"}, bulk.Plan{Source: "test", Common: change,
		Rows: []bulk.Row{{Line: 1, RoomID: seedRoom, Fields: change}}})
	if err != nil {
		t.Fatal(err)
	}
	path := bulkview.JobPath(job.ID)
	waitJobPage(t, op, path)
	if _, err := env.Approvals.SetPolicy(context.Background(), audit.Actor{Name: "test", Role: "admin"}, approval.Policy{
		App: env.Apps.Default().ID, Fields: []string{"Notice"}, Expiry: time.Hour}); err != nil {
		t.Fatal(err)
	}
	calls := env.Emulator.Calls(tencent.CmdUpdateRoomInfo)
	r := op.PostForm(path+"/revert", url.Values{})
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/requests/") {
		t.Fatalf("guarded job revert: %s (Location %q)", r, loc)
	}
	if env.Emulator.Calls(tencent.CmdUpdateRoomInfo) != calls {
		t.Error("a guarded job revert was sent without approval")
	}
	if room, _ := env.Emulator.Room(seedRoom); room.Notice != "Campaign notice" {
		t.Errorf("room changed without approval: %q", room.Notice)
	}
	if testid(doc(t, op.Get(path)), "bulk-reverted-as").Length() != 0 {
		t.Error("the job shows a revert job that was never started")
	}
}

// A room's history and reverts stay in their app: demo-sg's room of the
// same id has its own history, and a change is reverted only by an
// operator of its app, under that app's URL.
func TestHistoryAndRevertPerApp(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	admin := env.CreateUser(t, "ada", auth.RoleAdmin)
	u := env.CreateUser(t, "olga", auth.RoleViewer)
	if err := env.Auth.SetAppRole(t.Context(), auth.ActorFor(admin, audit.Actor{}), u.ID, "demo-sg", auth.RoleOperator); err != nil {
		t.Fatal(err)
	}
	c := env.Login(t, "olga")
	sg := env.Emulators["demo-sg"]
	before, _ := sg.Room(seedRoom)
	v := appForm(t, c, "/apps/demo-sg/rooms/"+seedRoom)
	v.Set("RoomName", "SG edit")
	r := c.PostForm("/apps/demo-sg/rooms/"+seedRoom, v, apptest.HTMX...)
	if testid(doc(t, r), "result-panel").AttrOr("data-outcome", "") != "ok" {
		t.Fatalf("edit in demo-sg: %s", r)
	}
	seq := strings.TrimPrefix(testid(doc(t, r), "audit-link").Text(), "#")

	d := doc(t, c.Get("/apps/demo-sg/rooms/"+seedRoom+"/history"))
	link := testid(d, "history-revert").AttrOr("href", "")
	if testid(d, "history-row").Length() != 1 || link != "/apps/demo-sg/audit/"+seq+"/revert" {
		t.Fatalf("demo-sg history: %d rows, revert link %q", testid(d, "history-row").Length(), link)
	}
	// The default app's room of the same id has no such entry; olga is a
	// viewer there, so no Revert link either.
	if d := doc(t, c.Get("/rooms/"+seedRoom+"/history")); testid(d, "history-row").Length() != 0 {
		t.Errorf("default app's history shows demo-sg's edit")
	}
	if r := c.Get("/audit/" + seq + "/revert"); r.StatusCode != http.StatusForbidden {
		t.Errorf("revert under an app where olga is a viewer: %s", r)
	}
	if link := testid(doc(t, c.Get("/audit/"+seq)), "entry-revert").AttrOr("href", ""); link != "/apps/demo-sg/audit/"+seq+"/revert" {
		t.Errorf("entry page's revert link %q", link)
	}
	action, form := formValues(t, c.Get(link))
	r = c.PostForm(action, form, apptest.HTMX...)
	if testid(doc(t, r), "result-panel").AttrOr("data-outcome", "") != "ok" {
		t.Fatalf("revert in demo-sg: %s", r)
	}
	if room, _ := sg.Room(seedRoom); room.RoomName != before.RoomName {
		t.Errorf("demo-sg room after revert: %q", room.RoomName)
	}
}

// The history page speaks the reader's language.
func TestRoomHistoryIsTranslated(t *testing.T) {
	env, c := newRoomsEnv(t)
	editName(t, c, "Finals night")
	room, _ := env.Emulator.Room(seedRoom)
	room.Notice = "outside"
	env.Emulator.PutRoom(room)
	for lang, want := range map[string][2]string{"ja": {"roomdesk 以外で変更", "編集"}, "zh-CN": {"在 roomdesk 之外被修改", "编辑"}} {
		d := doc(t, c.Get("/rooms/"+seedRoom+"/history", "Accept-Language", lang))
		labels := testid(d, "history-label")
		if labels.Length() != 2 || labels.Eq(0).Text() != want[0] || labels.Eq(1).Text() != want[1] {
			t.Errorf("%s labels: %q", lang, labels.Text())
		}
	}
}

// logBuffer is a log sink the server's goroutines and the test share.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRoomHistoryOfAnUnreadableRoom: the history is the log's, so a room
// Tencent cannot read (deleted since) still has its page; the failed read
// is logged, and a room that is read logs nothing of the kind. An edit
// whose answer was lost says why in its note.
func TestRoomHistoryOfAnUnreadableRoom(t *testing.T) {
	var log logBuffer
	env := apptest.New(t, apptest.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	env.CreateUser(t, "vera", auth.RoleViewer)
	env.CreateUser(t, "olga", auth.RoleOperator)
	vera, olga := env.Login(t, "vera"), env.Login(t, "olga")
	env.Emulator.DropNext(tencent.CmdUpdateRoomInfo, 5)
	v := browserForm(t, olga, seedRoom)
	v.Set("RoomName", "Answer lost")
	post(olga, seedRoom, v)
	row := testid(doc(t, vera.Get("/rooms/"+seedRoom+"/history")), "history-row").First()
	if row.Find(`[data-testid="history-outcome"]`).AttrOr("data-outcome", "") != "unknown" ||
		!strings.Contains(row.Find(`[data-testid="history-note"]`).Text(), "EOF") {
		t.Errorf("the edit whose answer was lost: %q", row.Text())
	}
	// One Tencent refused, without a reason given: its ErrorInfo is the note.
	env.Emulator.FailNext(tencent.CmdUpdateRoomInfo, 1, 100002)
	v = browserForm(t, olga, seedRoom)
	v.Set("RoomName", "Refused")
	post(olga, seedRoom, v)
	row = testid(doc(t, vera.Get("/rooms/"+seedRoom+"/history")), "history-row").First()
	if row.Find(`[data-testid="history-outcome"]`).AttrOr("data-outcome", "") != "failed" || !strings.Contains(row.Text(), "ErrorCode 100002") ||
		strings.TrimSpace(row.Find(`[data-testid="history-note"]`).Text()) == "" {
		t.Errorf("the refused edit: %q", row.Text())
	}
	if r := vera.Get("/rooms/" + seedRoom + "/history"); r.StatusCode != http.StatusOK {
		t.Fatalf("history: %s", r)
	}
	if r := vera.Get("/rooms/live_gone/history"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "live_gone") {
		t.Fatalf("history of a room Tencent cannot read: %s", r)
	}
	// (The log is captured here, so what it must not say otherwise: a bulk
	// preview that read the catalogue, and a job's results exported whole,
	// warn of nothing.)
	if r := postMultipart(t, olga, "/bulk/preview", url.Values{"rooms": {seedRoom}, "change": {"Notice"}, "Notice": {"x"}}, ""); r.StatusCode != http.StatusOK {
		t.Fatalf("preview: %s", r)
	}
	change := rooms.Form{rooms.FieldNotice: {"Logged job"}}
	job, err := env.Bulk.Create(t.Context(), audit.Actor{Name: "olga", Role: "operator"}, bulk.Plan{Source: "test", Common: change,
		Rows: []bulk.Row{{Line: 1, RoomID: "live_1002", Fields: change}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := olga.Get(bulkview.JobPath(job.ID) + "/results.csv"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "live_1002") {
		t.Fatalf("results: %s", r)
	}
	logged := log.String()
	if !strings.Contains(logged, `msg="history: room not read" room_id=live_gone`) || strings.Contains(logged, "room_id="+seedRoom) ||
		strings.Contains(logged, "catalogue could not be read") || strings.Contains(logged, "export broke off") {
		t.Errorf("log:\n%s", logged)
	}
}
