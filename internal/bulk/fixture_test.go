package bulk_test

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

const (
	testAppID  = 1400000077
	testSecret = "0123456789abcdef0123456789abcdef"
)

var operator = audit.Actor{Name: "olga", Role: "operator", IP: "192.0.2.7", UserAgent: "test"}

// fixture is a bulk service over a real database, the real rooms use case
// and the real client, talking to an emulator over loopback.
type fixture struct {
	db     *db.DB
	emu    *emulator.Emulator
	gate   *callgate.Gate // in front of emu: holds calls a test picks
	tc     *tencent.Client
	audit  audit.Store
	rooms  *rooms.Service
	svc    *bulk.Service
	c100k  atomic.Int64 // attempts refused for the quota: 60007 (the emulator's), or 100012
	cancel context.CancelFunc
	done   chan struct{}
}

// newFixture's client and emulator run without pacing and without the
// per-second quota: what these tests check (claims, leases, retries,
// audit rows) does not depend on the rate, and at 197/s the 300-room jobs
// spent most of their time waiting for slots. Pacing against the quota is
// tencent's to test (TestDefaultRatesStayUnderQuota, on a synthetic clock)
// and TestThroughput2000's to exercise (newQuotaFixture).
func newFixture(t *testing.T, d db.Dialect, opts bulk.Options, tmod func(*tencent.Config)) *fixture {
	t.Helper()
	return buildFixture(t, d, opts, tmod, false)
}

// newQuotaFixture is newFixture with the client's default pacing and the
// emulator's documented quotas (200/s, get_room_list 10/s).
func newQuotaFixture(t *testing.T, d db.Dialect, opts bulk.Options, tmod func(*tencent.Config)) *fixture {
	t.Helper()
	return buildFixture(t, d, opts, tmod, true)
}

func buildFixture(t *testing.T, d db.Dialect, opts bulk.Options, tmod func(*tencent.Config), quota bool) *fixture {
	t.Helper()
	f := &fixture{db: dbtest.Open(t, d)}
	ecfg := emulator.Config{SDKAppID: testAppID, SecretKey: testSecret}
	var rates map[string]float64
	if !quota {
		ecfg.Quotas, rates = map[string]int{}, map[string]float64{}
		for _, cmd := range []string{tencent.CmdGetRoomInfo, tencent.CmdGetRoomList, tencent.CmdUpdateRoomInfo,
			tencent.CmdCreateRoom, tencent.CmdDestroyRoom} {
			ecfg.Quotas[cmd], rates[cmd] = 0, math.Inf(1)
		}
	}
	f.emu = emulator.New(ecfg)
	f.gate = callgate.New(f.emu)
	srv := httptest.NewServer(f.gate)
	t.Cleanup(srv.Close)
	cfg := tencent.Config{SDKAppID: testAppID, SecretKey: testSecret, Endpoint: srv.URL,
		AttemptTimeout: 2 * time.Second, Rates: rates,
		Observe: func(_ string, code int, _ time.Duration) {
			if code == tencent.CodeFrequencyLimit || code == tencent.CodeRoomRateLimit {
				f.c100k.Add(1)
			}
		}}
	if tmod != nil {
		tmod(&cfg)
	}
	var err error
	if f.tc, err = tencent.New(cfg); err != nil {
		t.Fatal(err)
	}
	f.audit = sqlstore.New(f.db)
	f.rooms = rooms.NewService(f.tc, f.audit, rooms.Options{})
	if opts.Poll == 0 {
		opts.Poll = 50 * time.Millisecond
	}
	if opts.RetryDelay == 0 {
		opts.RetryDelay = 10 * time.Millisecond
	}
	if opts.Log == nil {
		opts.Log = f.audit
	}
	f.svc = bulk.New(f.db, f.rooms, opts)
	t.Cleanup(f.stop)
	t.Cleanup(f.gate.Close) // first: a runner stopping may wait on held calls
	return f
}

// start runs a runner until stop.
func (f *fixture) start() {
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	go func() { defer close(f.done); f.svc.Run(ctx) }()
}

func (f *fixture) stop() {
	if f.cancel != nil {
		f.cancel()
		<-f.done
		f.cancel = nil
	}
}

// putRooms creates n rooms named prefix-0001... with RoomName "old".
func (f *fixture) putRooms(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%04d", prefix, i+1)
		f.emu.PutRoom(emulator.Room{RoomID: ids[i], RoomName: "old", MaxMemberCount: 100,
			TakeSeatMode: "FreeToTake", Category: []int{1}})
	}
	return ids
}

func planFor(ids []string, fields rooms.Form) bulk.Plan {
	p := bulk.Plan{Source: "test", Common: fields}
	for i, id := range ids {
		p.Rows = append(p.Rows, bulk.Row{Line: i + 1, RoomID: id, Fields: fields})
	}
	return p
}

// wait polls the job until cond holds.
func (f *fixture) wait(t *testing.T, id int64, what string, cond func(bulk.Job) bool) bulk.Job {
	t.Helper()
	return waitJob(t, f.svc, id, what, cond)
}

// waitJob polls the job's state until cond holds: a condition, not a
// timing; the minute is a hang guard.
func waitJob(t *testing.T, svc *bulk.Service, id int64, what string, cond func(bulk.Job) bool) bulk.Job {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		j, err := svc.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if cond(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s: job %+v", what, j)
		}
		time.Sleep(10 * time.Millisecond) // polls a condition; orders nothing
	}
}

func ended(j bulk.Job) bool { return j.Ended() }

// holdUntil receives held calls until enough says so. It fails the test
// at once if the job ends first (what it waits for will never come), and
// if the gate stays quiet for a minute (a hang, not a measurement).
func (f *fixture) holdUntil(t *testing.T, job int64, what string, enough func(held []*callgate.Held) bool) []*callgate.Held {
	t.Helper()
	var held []*callgate.Held
	hang := time.NewTimer(time.Minute)
	defer hang.Stop()
	poll := time.NewTicker(10 * time.Millisecond)
	defer poll.Stop()
	for !enough(held) {
		select {
		case h := <-f.gate.Held():
			held = append(held, h)
		case <-poll.C:
			if j, err := f.svc.Job(context.Background(), job); err == nil && j.Ended() {
				t.Fatalf("waiting for %s: the job ended first: %s %+v", what, j.Status, j.Counts)
			}
		case <-hang.C:
			t.Fatalf("waiting for %s: %d calls held", what, len(held))
		}
	}
	return held
}

func (f *fixture) items(t *testing.T, id int64) map[string]bulk.Item {
	t.Helper()
	out := map[string]bulk.Item{}
	if err := f.svc.ExportItems(context.Background(), id, func(it bulk.Item) error {
		out[it.RoomID] = it
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func forDialects(t *testing.T, fn func(t *testing.T, d db.Dialect)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}
