package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/internal/resilience"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/components"
)

// hang bounds waits for what must happen; it is not a measurement.
const hang = time.Minute

// notifyEnv is a console whose deliverer may reach loopback receivers and
// reports every attempt on the returned channel.
func notifyEnv(t *testing.T) (*apptest.Env, chan notify.Attempt) {
	t.Helper()
	attempts := make(chan notify.Attempt, 100)
	env := apptest.New(t, apptest.Options{
		Environ: map[string]string{"ROOMDESK_WEBHOOK_ALLOW_LOOPBACK": "true"},
		Notify: func(o *notify.Options) {
			o.Timeout = time.Hour // a hanging receiver hangs until the test lets it go
			o.Attempted = func(a notify.Attempt) { attempts <- a }
		},
	})
	env.CreateUser(t, "ada", auth.RoleAdmin)
	env.CreateUser(t, "olga", auth.RoleOperator)
	return env, attempts
}

func awaitAttempt(t *testing.T, ch chan notify.Attempt) notify.Attempt {
	t.Helper()
	select {
	case a := <-ch:
		return a
	case <-time.After(hang):
		t.Fatal("no delivery attempt")
	}
	return notify.Attempt{}
}

// failedEdit submits an edit Tencent refuses (100002), which is an
// update.problem event.
func failedEdit(t *testing.T, env *apptest.Env, c *apptest.Client, name string) {
	t.Helper()
	env.Emulator.FailNext(tencent.CmdUpdateRoomInfo, 1, 100002)
	room, err := resilience.RoomInfo(env.Emulator, seedRoom)
	if err != nil {
		t.Fatal(err)
	}
	r := c.PostForm(components.RoomURL(seedRoom), resilience.EditForm(room, map[string]string{"RoomName": name}))
	if r.StatusCode >= 500 && r.StatusCode != http.StatusBadGateway {
		t.Fatalf("edit: %v", r)
	}
}

// TestEditNotSlowedByHangingReceiver: while a webhook receiver holds a
// delivery and does not answer, an edit through the real handlers
// completes (its response arrives while the receiver is provably still
// blocked), and once the receiver lets go, the next event follows.
func TestEditNotSlowedByHangingReceiver(t *testing.T) {
	env, attempts := notifyEnv(t)
	arrived, release := make(chan string, 10), make(chan struct{})
	var mu sync.Mutex
	var got []notify.Payload
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p notify.Payload
		json.NewDecoder(r.Body).Decode(&p)
		arrived <- p.Summary
		<-release
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer recv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	admin, op := env.Login(t, "ada"), env.Login(t, "olga")
	r := admin.PostForm("/admin/webhooks", url.Values{"name": {"hangs"}, "url": {recv.URL + "/hook"}, "format": {"generic"},
		"events": {string(notify.EventUpdateProblem)}, "enabled": {"1"}})
	if r.StatusCode != http.StatusOK || testid(doc(t, r), "webhook-secret").Length() != 1 {
		t.Fatalf("create: %v", r)
	}
	failedEdit(t, env, op, "first")
	select {
	case <-arrived: // the receiver now holds the delivery
	case <-time.After(hang):
		t.Fatal("the first event never reached the receiver")
	}
	// The receiver is blocked on release, which only this test closes.
	room, _ := resilience.RoomInfo(env.Emulator, seedRoom)
	r = op.PostForm(components.RoomURL(seedRoom), resilience.EditForm(room, map[string]string{"RoomName": "while it hangs"}))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("edit while the receiver hangs: %v", r)
	}
	if now, _ := env.Emulator.Room(seedRoom); now.RoomName != "while it hangs" {
		t.Fatalf("room after the edit: %+v", now)
	}
	failedEdit(t, env, op, "second") // queued behind the held delivery
	select {
	case <-release:
		t.Fatal("released early") // cannot happen: proves the edits above returned while it hung
	default:
	}
	close(release)
	for i := 0; i < 2; i++ {
		if a := awaitAttempt(t, attempts); !a.OK {
			t.Fatalf("attempt %d: %+v", i, a)
		}
	}
	<-arrived
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || !strings.Contains(got[0].Summary, "first") || !strings.Contains(got[1].Summary, "second") {
		t.Fatalf("received %+v", got)
	}
}

// TestWebhookPages: an admin adds a webhook whose URL holds a key; the
// key is on no page and in no audit row afterwards; the signing secret is
// shown once; "send test event" delivers and the log says so.
func TestWebhookPages(t *testing.T) {
	env, attempts := notifyEnv(t)
	var bodies []string
	var mu sync.Mutex
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	defer recv.Close()
	const key = "5ecret-k3y-0f-the-r0b0t"
	admin := env.Login(t, "ada")
	r := admin.PostForm("/admin/webhooks", url.Values{"name": {"ops"}, "url": {recv.URL + "/cgi-bin/webhook/send?key=" + key},
		"format": {"wecom"}, "events": {string(notify.EventBulkFinished), string(notify.EventUpdateProblem)}, "enabled": {"1"}})
	if r.StatusCode != http.StatusOK || testid(doc(t, r), "webhook-created").Length() != 1 || strings.Contains(r.Body, key) {
		t.Fatalf("create: %v", r)
	}
	hooks, _ := env.Notify.List(context.Background())
	if len(hooks) != 1 || !hooks[0].Enabled {
		t.Fatalf("hooks %+v (created enabled)", hooks)
	}
	path := "/admin/webhooks/" + itoa(hooks[0].ID)
	// Bad input: a clear message, nothing changed, the URL not echoed.
	r = admin.PostForm(path, url.Values{"name": {""}, "url": {"ftp://x/" + key}, "format": {"wecom"}})
	if r.StatusCode != http.StatusUnprocessableEntity || strings.Contains(r.Body, key) ||
		testidText(t, r, "error-url") == "" || testidText(t, r, "error-events") == "" {
		t.Fatalf("bad update: %v", r)
	}
	// Saved without a URL: the stored one is kept.
	r = admin.PostForm(path, url.Values{"name": {"ops2"}, "format": {"wecom"}, "events": {string(notify.EventBulkFinished)}, "enabled": {"1"}})
	if r.StatusCode != http.StatusOK || testid(doc(t, r), "notify-flash").Text() != "Saved." || !strings.Contains(r.Body, "ops2") {
		t.Fatalf("update: %v", r)
	}
	r = admin.PostForm(path+"/test", nil)
	if r.StatusCode != http.StatusOK || testid(doc(t, r), "notify-flash").Text() != "A test event is queued. Reload this page to see how it went." {
		t.Fatalf("test: %v", r)
	}
	if a := awaitAttempt(t, attempts); !a.OK {
		t.Fatalf("test event: %+v", a)
	}
	for _, p := range []string{"/admin/webhooks", path, "/audit", "/audit/export.jsonl"} {
		r := admin.Get(p)
		if r.StatusCode != http.StatusOK || strings.Contains(r.Body, key) {
			t.Errorf("%s: %v (shows the key: %v)", p, r.StatusCode, strings.Contains(r.Body, key))
		}
	}
	r = admin.Get(path)
	if got := testidText(t, r, "delivery-status"); got != "delivered" {
		t.Errorf("delivery status %q", got)
	}
	if got := testidText(t, r, "webhook-hint"); !strings.HasPrefix(got, recv.URL+"/…") {
		t.Errorf("hint %q", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 || !strings.Contains(bodies[0], `"msgtype":"markdown"`) || !strings.Contains(bodies[0], "Test event") {
		t.Errorf("bodies %q", bodies)
	}
	// Changes are audited; the delete too.
	if r := admin.PostForm(path+"/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %v", r)
	}
	page, _ := env.Audit.List(context.Background(), audit.Filter{}, 0, 20)
	var actions []string
	for _, rec := range page.Records {
		if strings.HasPrefix(rec.Entry.Action, "webhook.") {
			actions = append(actions, rec.Entry.Action)
		}
	}
	if strings.Join(actions, " ") != "webhook.delete webhook.update webhook.create" {
		t.Errorf("audited %v", actions)
	}
	// The delivery log shows 50 a page: at exactly 50 there is no older
	// page; the 51st (the oldest) is on the older page, alone. The hook is
	// paused, so nothing is sent.
	paged, _, err := env.Notify.Create(context.Background(), audit.Actor{Name: "ada", Role: "admin"}, notify.Input{Name: "paged",
		URL: recv.URL + "/paged", Format: notify.FormatGeneric, Events: []notify.Event{notify.EventBulkFinished}})
	if err != nil {
		t.Fatal(err)
	}
	path = "/admin/webhooks/" + itoa(paged.ID)
	page50 := func(d *goquery.Document) (rows int, older string) {
		return testid(d, "delivery-status").Length(), d.Find(`a[href*="?before="]`).AttrOr("href", "")
	}
	for i := 1; i <= 51; i++ {
		if err := env.Notify.SendTest(context.Background(), audit.Actor{Name: "ada", Role: "admin"}, paged.ID); err != nil {
			t.Fatal(err)
		}
		if i == 50 {
			if rows, older := page50(doc(t, admin.Get(path))); rows != 50 || older != "" {
				t.Errorf("50 deliveries: %d rows, older page %q", rows, older)
			}
		}
	}
	rows, older := page50(doc(t, admin.Get(path)))
	if rows != 50 || !strings.HasPrefix(older, path+"?before=") {
		t.Fatalf("51 deliveries: %d rows, older page %q", rows, older)
	}
	if rows, next := page50(doc(t, admin.Get(older))); rows != 1 || next != "" {
		t.Errorf("older page: %d rows, older page %q", rows, next)
	}
}
