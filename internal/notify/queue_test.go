package notify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/notify"
)

// TestDeliverySurvivesRestart: deliveries queued by one process (its
// receiver down) are sent by the next, once each; rows appended while no
// process ran are dispatched by the next too, and nothing is doubled.
func TestDeliverySurvivesRestart(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		r := newRig(t, d)
		rec := newReceiver(t, 1)
		first := r.service(t, nil)
		r.createWebhook(t, first, rec.URL, notify.FormatGeneric)
		want := r.appendEvents(t, "a")
		stop := run(t, first)
		if a := r.await(t); a.OK {
			t.Fatalf("first attempt: %+v, want the injected failure", a)
		}
		stop() // the process ends with everything queued and the head failed once
		want = append(want, r.appendEvents(t, "b")...)
		r.clock.Add(10 * 60e9) // past the backoff
		second := r.service(t, nil)
		run(t, second)
		for range want {
			if a := r.await(t); !a.OK {
				t.Fatalf("after the restart: %+v", a)
			}
		}
		if got := rec.seqs(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("received %v, want %v once each in order", got, want)
		}
	})
}

// TestFailingWebhookBlocksOnlyItself: one receiver that always fails, one
// that works; the working one gets everything while the other's head waits.
func TestFailingWebhookBlocksOnlyItself(t *testing.T) {
	r := newRig(t, db.SQLite)
	bad, good := newReceiver(t, 1<<30), newReceiver(t, 0)
	s := r.service(t, nil)
	r.createWebhook(t, s, bad.URL, notify.FormatGeneric)
	r.createWebhook(t, s, good.URL, notify.FormatGeneric)
	want := r.appendEvents(t, "x")
	run(t, s)
	// Both deliveries run at once: wait for every good one and for the
	// failing one's first attempt (which may come last).
	okCount, failed := 0, 0
	for okCount < len(want) || failed == 0 {
		if a := r.await(t); a.OK {
			okCount++
		} else {
			failed++
		}
	}
	if got := good.seqs(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("working receiver got %v, want %v", got, want)
	}
	bad.mu.Lock()
	defer bad.mu.Unlock()
	if bad.requests != 1 {
		t.Errorf("failing receiver saw %d requests before its backoff passed, want 1", bad.requests)
	}
}

// TestTwoInstancesDeliverEachOnce: two services on one PostgreSQL, both
// running, deliver every event once, in order (the dispatch lock and the
// per-webhook lease).
func TestTwoInstancesDeliverEachOnce(t *testing.T) {
	r := newRig(t, db.Postgres)
	rec := newReceiver(t, 0)
	a, b := r.service(t, nil), r.service(t, nil)
	r.createWebhook(t, a, rec.URL, notify.FormatGeneric)
	var want []int64
	for i := range 5 {
		want = append(want, r.appendEvents(t, fmt.Sprint(i))...)
	}
	run(t, a)
	run(t, b)
	for range want {
		if at := r.await(t); !at.OK {
			t.Fatalf("attempt: %+v", at)
		}
	}
	if got := rec.seqs(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("received %v, want %v once each in order", got, want)
	}
}

// TestStaleIntentReported: an update whose intent never got a result (the
// process died mid-call) is reported as outcome unknown once it is older
// than StaleIntent, and only once.
func TestStaleIntentReported(t *testing.T) {
	r := newRig(t, db.SQLite)
	rec := newReceiver(t, 0)
	s := r.service(t, nil)
	r.createWebhook(t, s, rec.URL, notify.FormatGeneric)
	e := audit.Entry{Kind: audit.KindIntent, Action: audit.ActionRoomUpdate, RoomID: "r1", Actor: "otto", Outcome: audit.OutcomePending,
		Changes: []audit.Change{{Field: "Notice", Before: `""`, After: `"x"`}}}
	if err := r.store.Append(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	r.clock.Add(6 * 60e9)
	run(t, s)
	if a := r.await(t); !a.OK {
		t.Fatalf("%+v", a)
	}
	s.Wake()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.got) != 1 || rec.got[0].Seq != e.Seq || rec.got[0].Outcome != audit.OutcomeUnknown || !strings.Contains(rec.got[0].Summary, "re-read") {
		t.Fatalf("got %+v", rec.got)
	}
}

// TestFormats: WeCom and Slack bodies are what those services take, and
// a WeCom answer with a non-zero errcode is a failed attempt.
func TestFormats(t *testing.T) {
	r := newRig(t, db.SQLite)
	var mu sync.Mutex
	var bodies []string
	errcode := 93000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		b := make([]byte, 8192)
		n, _ := req.Body.Read(b)
		bodies = append(bodies, string(b[:n]))
		if strings.HasPrefix(req.URL.Path, "/wecom") {
			fmt.Fprintf(w, `{"errcode":%d,"errmsg":"invalid webhook url"}`, errcode)
			errcode = 0
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	s := r.service(t, nil)
	r.createWebhook(t, s, srv.URL+"/wecom/send?key=abc", notify.FormatWeCom)
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionBulkFinish, JobID: "J-7", Outcome: audit.OutcomeOK, Detail: "3 rooms *bold* <@all>"}
	if err := r.store.Append(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	run(t, s)
	if a := r.await(t); a.OK {
		t.Fatalf("errcode 93000 counted as delivered: %+v", a)
	}
	r.clock.Add(10e9)
	s.Wake()
	if a := r.await(t); !a.OK {
		t.Fatalf("%+v", a)
	}
	mu.Lock()
	wecom := bodies[1]
	mu.Unlock()
	if !strings.HasPrefix(wecom, `{"markdown":{"content":"**roomdesk: bulk.finished**`) || !strings.Contains(wecom, `"msgtype":"markdown"`) ||
		!strings.Contains(wecom, `\\*bold\\*`) || strings.Contains(wecom, "<@all>") {
		t.Errorf("wecom body %s", wecom)
	}
	slackHook, _ := r.createWebhook(t, s, srv.URL+"/slack/T0/B0/XXXX", notify.FormatSlack)
	e2 := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionBulkFinish, JobID: "J-8", Outcome: audit.OutcomeOK, Detail: "<!channel>"}
	if err := r.store.Append(context.Background(), &e2); err != nil {
		t.Fatal(err)
	}
	s.Wake()
	for {
		if a := r.await(t); a.OK && a.Webhook == slackHook.ID {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var slack string
	for _, b := range bodies {
		if strings.HasPrefix(b, `{"text":`) {
			slack = b
		}
	}
	if !strings.Contains(slack, "*roomdesk: bulk.finished*") || strings.Contains(slack, "<!channel>") {
		t.Errorf("slack body %q (of %q)", slack, bodies)
	}
}

var _ = dbtest.Dialects

// TestWebhookChangesAudited: create, update and delete are audit events
// naming the webhook, its format and events, and never the URL's path.
func TestWebhookChangesAudited(t *testing.T) {
	r := newRig(t, db.SQLite)
	s := r.service(t, nil)
	ctx := context.Background()
	w, secret, err := s.Create(ctx, admin, notify.Input{Name: "ops", URL: "https://hooks.slack.com/services/T0/B0/SEKRET",
		Format: notify.FormatSlack, Events: []notify.Event{notify.EventBulkFinished}, Enabled: true})
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		t.Fatal(err, secret)
	}
	if _, err := s.Update(ctx, admin, w.ID, notify.Input{Name: "ops2", URL: "https://hooks.slack.com/services/T0/B0/OTHER",
		Format: notify.FormatSlack, Events: notify.Events}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, admin, w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, w.ID); err != notify.ErrNotFound {
		t.Errorf("after delete: %v", err)
	}
	page, err := r.store.List(ctx, audit.Filter{}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, rec := range page.Records {
		e := rec.Entry
		actions = append(actions, e.Action)
		if e.Actor != "ada" || strings.Contains(e.Detail, "SEKRET") || strings.Contains(e.Detail, "OTHER") ||
			strings.Contains(e.Detail, secret) || !strings.Contains(e.Detail, `"ops`) {
			t.Errorf("%s: %+v", e.Action, e)
		}
	}
	if fmt.Sprint(actions) != "[webhook.delete webhook.update webhook.create]" {
		t.Errorf("actions %v", actions)
	}
}
