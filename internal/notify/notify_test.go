package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/notify"
)

// hangGuard bounds waits for events that must come; it is not a measurement.
const hangGuard = time.Minute

var admin = audit.Actor{Name: "ada", Role: "admin"}

// clock is a fake clock tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// receiver is a real HTTP server that fails the first `fail` requests with
// 503, then accepts, keeping what it accepted in order.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	fail     int
	requests int
	got      []notify.Payload
	headers  []http.Header
	bodies   [][]byte
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{fail: fail}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.requests++
		if r.requests <= r.fail {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		var p notify.Payload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("receiver: %v in %s", err, b)
		}
		r.got, r.headers, r.bodies = append(r.got, p), append(r.headers, req.Header.Clone()), append(r.bodies, b)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) seqs() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int64
	for _, p := range r.got {
		out = append(out, p.Seq)
	}
	return out
}

type rig struct {
	db       *db.DB
	store    *sqlstore.Store
	clock    *clock
	attempts chan notify.Attempt
	logs     *bytes.Buffer
	logMu    *sync.Mutex
}

func newRig(t *testing.T, d db.Dialect) *rig {
	conn := dbtest.Open(t, d)
	// The clock starts at the real time: the store stamps rows with it.
	return &rig{db: conn, store: sqlstore.New(conn), clock: &clock{now: time.Now().UTC()},
		attempts: make(chan notify.Attempt, 100), logs: &bytes.Buffer{}, logMu: &sync.Mutex{}}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// service builds a Service on the rig. Its timer never fires: it runs when
// woken (an append, a finished delivery, the test), so nothing depends on
// how fast the machine is.
func (r *rig) service(t *testing.T, mod func(*notify.Options)) *notify.Service {
	opts := notify.Options{Source: r.store, Log: r.store, Now: r.clock.Now, AllowLoopback: true,
		After:     func(time.Duration) <-chan time.Time { return nil },
		Logger:    slog.New(slog.NewTextHandler(lockedWriter{r.logMu, r.logs}, nil)),
		Attempted: func(a notify.Attempt) { r.attempts <- a },
		BaseURL:   "https://roomdesk.example"}
	if mod != nil {
		mod(&opts)
	}
	return notify.New(r.db, opts)
}

// run runs s until the returned stop is called (or the test ends).
func run(t *testing.T, s *notify.Service) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	s.Wake()
	return stop
}

// appendEvents writes one row of each kind that maps to an event, plus
// rows that map to none, and returns the seqs that must be delivered.
func (r *rig) appendEvents(t *testing.T, tag string) []int64 {
	t.Helper()
	ctx := context.Background()
	var want []int64
	add := func(e audit.Entry, deliver bool) int64 {
		t.Helper()
		if err := r.store.Append(ctx, &e); err != nil {
			t.Fatal(err)
		}
		if deliver {
			want = append(want, e.Seq)
		}
		return e.Seq
	}
	ev := func(action, outcome string) audit.Entry {
		e := audit.Entry{Kind: audit.KindEvent, Action: action, Outcome: outcome, RoomID: "room-" + tag, Detail: tag}
		e.SetActor(audit.Actor{Name: "otto", Role: "operator"})
		return e
	}
	add(ev(audit.ActionLogin, audit.OutcomeOK), false)
	add(ev("request.create", audit.OutcomeOK), true)
	intent := add(audit.Entry{Kind: audit.KindIntent, Action: audit.ActionRoomUpdate, RoomID: "room-" + tag, Actor: "otto",
		Changes: []audit.Change{{Field: "RoomName", Before: `"a"`, After: `"b"`}}, Outcome: audit.OutcomePending}, false)
	add(audit.Entry{Kind: audit.KindResult, IntentSeq: intent, Action: audit.ActionRoomUpdate, RoomID: "room-" + tag,
		Outcome: audit.OutcomeFailed, ErrorCode: 100004, ErrorInfo: "room dismissed"}, true)
	ok := add(audit.Entry{Kind: audit.KindIntent, Action: audit.ActionRoomUpdate, RoomID: "room-" + tag, Outcome: audit.OutcomePending}, false)
	add(audit.Entry{Kind: audit.KindResult, IntentSeq: ok, Action: audit.ActionRoomUpdate, RoomID: "room-" + tag, Outcome: audit.OutcomeOK}, false)
	add(ev("request.approve", audit.OutcomeOK), true)
	add(ev(audit.ActionBulkFinish, audit.OutcomeOK), true)
	add(ev("room.changed_outside", audit.OutcomeOK), true)
	return want
}

func (r *rig) createWebhook(t *testing.T, s *notify.Service, url string, f notify.Format) (notify.Webhook, string) {
	t.Helper()
	w, secret, err := s.Create(context.Background(), admin, notify.Input{Name: "ops", URL: url, Format: f,
		Events: notify.Events, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	return w, secret
}

// await returns the next recorded attempt.
func (r *rig) await(t *testing.T) notify.Attempt {
	t.Helper()
	select {
	case a := <-r.attempts:
		return a
	case <-time.After(hangGuard):
		t.Fatal("no delivery attempt came")
	}
	return notify.Attempt{}
}

func forDialects(t *testing.T, f func(t *testing.T, d db.Dialect)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { f(t, d) })
	}
}

// TestDeliveredOnceInOrderDespiteFailures: a real receiver that fails the
// first two requests gets every event exactly once, in audit order, each
// signed; the failures are retried after the backoff, not before.
func TestDeliveredOnceInOrderDespiteFailures(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		r := newRig(t, d)
		rec := newReceiver(t, 2)
		s := r.service(t, nil)
		_, secret := r.createWebhook(t, s, rec.URL+"/hook", notify.FormatGeneric)
		want := r.appendEvents(t, "x")
		run(t, s)
		for i := 0; i < 2; i++ {
			a := r.await(t)
			if a.OK || a.Code != http.StatusServiceUnavailable {
				t.Fatalf("attempt %d: %+v, want the injected failure", i+1, a)
			}
			// Woken but not due: nothing is sent until the backoff has passed.
			s.Wake()
			select {
			case a := <-r.attempts:
				t.Fatalf("retried before the backoff: %+v", a)
			default:
			}
			r.clock.Add(time.Duration(10<<i) * time.Second)
			s.Wake()
		}
		for range want {
			if a := r.await(t); !a.OK {
				t.Fatalf("attempt after the failures: %+v", a)
			}
		}
		if got := rec.seqs(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("received seqs %v, want %v once each in order", got, want)
		}
		rec.mu.Lock()
		for i, h := range rec.headers {
			if sig := notify.Sign(secret, h.Get(notify.HeaderTimestamp), rec.bodies[i]); h.Get(notify.HeaderSignature) != sig {
				t.Errorf("delivery %d: signature %q, want %q", i, h.Get(notify.HeaderSignature), sig)
			}
		}
		if got := rec.got[1]; got.Event != notify.EventUpdateProblem || !strings.Contains(got.Summary, "RoomName") ||
			got.Outcome != audit.OutcomeFailed || got.Link != fmt.Sprintf("https://roomdesk.example/audit/%d", got.Seq) {
			t.Errorf("update problem payload: %+v", got)
		}
		rec.mu.Unlock()
		if rec.requests != len(want)+2 {
			t.Errorf("receiver saw %d requests, want %d", rec.requests, len(want)+2)
		}
	})
}
