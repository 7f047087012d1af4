package notify_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/notify"
)

// TestURLSecretsNeverShown: a webhook URL's key appears in no page data,
// audit row, log line or stored error, on any error path: a refused
// connection, a dropped one, an HTTP error, a refused address, and a
// validation error.
func TestURLSecretsNeverShown(t *testing.T) {
	const key = "k3y-9f8e7d6c5b4a"
	r := newRig(t, db.SQLite)
	s := r.service(t, nil)
	ctx := context.Background()

	// A port nothing listens on, a server that hangs up, one that answers 500.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	hangup := newReceiver(t, 0)
	hangup.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		c, _, _ := w.(http.Hijacker).Hijack()
		c.Close()
	})
	failing := newReceiver(t, 1<<30)
	urls := []string{
		"http://" + closed + "/cgi-bin/webhook/send?key=" + key,
		hangup.URL + "/services/T000/B000/" + key,
		failing.URL + "/hook?token=" + key + "&x=1",
	}
	for _, u := range urls {
		w, _ := r.createWebhook(t, s, u, notify.FormatGeneric)
		if strings.Contains(w.URLHint, key) || !strings.HasPrefix(w.URLHint, "http://127.0.0.1:") {
			t.Errorf("hint %q", w.URLHint)
		}
		if _, err := s.Update(ctx, admin, w.ID, notify.Input{Name: "renamed", Format: notify.FormatSlack, Events: notify.Events, Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	r.appendEvents(t, "x")
	run(t, s)
	for range urls {
		if a := r.await(t); a.OK {
			t.Fatalf("%+v delivered", a)
		}
	}
	// A validation error names the problem, not the URL.
	_, _, err = s.Create(ctx, admin, notify.Input{Name: "x", URL: "ftp://example.com/" + key, Format: notify.FormatGeneric, Events: notify.Events})
	var ve *notify.ValidationError
	if !errors.As(err, &ve) || strings.Contains(err.Error()+ve.Fields["url"], key) {
		t.Errorf("validation: %v %v", err, ve)
	}

	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, w := range list {
		if strings.Contains(w.URLHint, key) || strings.Contains(w.Name, key) {
			t.Errorf("webhook as listed shows the key: %+v", w)
		}
		ds, err := s.Deliveries(ctx, w.ID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.Attempts == 0 {
				continue // queued behind the failing head
			}
			if d.LastError == "" {
				t.Errorf("webhook %d delivery %d: no error recorded", w.ID, d.ID)
			}
			errs = append(errs, d.LastError)
		}
	}
	if len(errs) != len(urls) {
		t.Fatal("no deliveries")
	}
	for _, e := range errs {
		if strings.Contains(e, key) {
			t.Errorf("stored error shows the key: %q", e)
		}
	}
	r.logMu.Lock()
	logs := r.logs.String()
	r.logMu.Unlock()
	if strings.Contains(logs, key) || !strings.Contains(logs, "will retry") {
		t.Errorf("logs: %s", logs)
	}
	if err := r.store.Export(ctx, audit.Filter{}, func(rec audit.Record) error {
		if strings.Contains(rec.Entry.Detail, key) {
			t.Errorf("audit row %d shows the key: %q", rec.Entry.Seq, rec.Entry.Detail)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("errors as stored: %q", errs)
}

// TestAddressGuard: loopback is refused unless allowed, link-local and
// unspecified always; checked when saved and again when dialled (a name
// may resolve anywhere).
func TestAddressGuard(t *testing.T) {
	r := newRig(t, db.SQLite)
	strict := r.service(t, func(o *notify.Options) { o.AllowLoopback = false })
	loose := r.service(t, nil)
	ctx := context.Background()
	in := func(u string) notify.Input {
		return notify.Input{Name: "x", URL: u, Format: notify.FormatGeneric, Events: notify.Events, Enabled: true}
	}
	for _, c := range []struct {
		svc *notify.Service
		url string
		ok  bool
	}{
		{strict, "https://127.0.0.1/hook", false},
		{strict, "https://localhost/hook", false},
		{strict, "https://[::1]/hook", false},
		{strict, "http://127.0.0.1/hook", false},
		{loose, "http://127.0.0.1:9/hook", true},
		{loose, "http://example.com/hook", false}, // plain http only to loopback
		{loose, "https://169.254.169.254/latest/meta-data", false},
		{loose, "https://[fe80::1]/x", false},
		{loose, "https://0.0.0.0/x", false},
		{loose, "https://user:pw@example.com/x", false},
		{strict, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", true},
	} {
		_, _, err := c.svc.Create(ctx, admin, in(c.url))
		if (err == nil) != c.ok {
			t.Errorf("%s: %v, want ok=%v", c.url, err, c.ok)
		}
	}
	// Dial time: a name accepted when saved that leads to loopback.
	rec := newReceiver(t, 0)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(rec.URL, "http://"))
	w, _, err := loose.Create(ctx, admin, in("http://127.0.0.1:"+port+"/x"))
	if err != nil {
		t.Fatal(err)
	}
	r.appendEvents(t, "y")
	stop := run(t, strict) // the strict instance delivers: its guard refuses the connection
	a := r.await(t)
	for a.Webhook != w.ID { // the qyapi one above fails too, on its own queue
		a = r.await(t)
	}
	stop()
	if a.OK {
		t.Fatal("delivered to loopback with loopback refused")
	}
	ds, _ := strict.Deliveries(ctx, a.Webhook, 0, 100)
	for _, d := range ds {
		if d.ID == a.Delivery && !strings.Contains(d.LastError, "not allowed") {
			t.Errorf("delivery %+v", d)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.requests != 0 {
		t.Errorf("receiver reached %d times", rec.requests)
	}
}
