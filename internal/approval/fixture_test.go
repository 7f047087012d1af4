package approval_test

import (
	"context"
	"math"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

const (
	testAppID  = 1400000055
	testSecret = "0123456789abcdef0123456789abcdef"
	app        = "prod-cn"
	roomID     = "live_ap_1"
)

var (
	alice = audit.Actor{Name: "alice", Role: "operator", IP: "192.0.2.1", UserAgent: "test"}
	bob   = audit.Actor{Name: "bob", Role: "operator", IP: "192.0.2.2", UserAgent: "test"}
	carol = audit.Actor{Name: "carol", Role: "admin", IP: "192.0.2.3", UserAgent: "test"}
)

// clock is the injected clock: tests move it, nothing sleeps.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is the approval service over a real database and audit store,
// running changes through the real rooms use case and client against the
// emulator over loopback.
type fixture struct {
	db    *db.DB
	emu   *emulator.Emulator
	log   audit.Store
	rooms *rooms.Service
	bulk  *bulk.Service
	svc   *approval.Service
	clock *clock
}

func newFixture(t testing.TB, d db.Dialect) *fixture {
	t.Helper()
	f := &fixture{db: dbtest.Open(t, d), clock: &clock{now: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}}
	f.emu = emulator.New(emulator.Config{SDKAppID: testAppID, SecretKey: testSecret})
	f.emu.PutRoom(emulator.Room{RoomID: roomID, RoomName: "Launch night", MaxMemberCount: 500,
		TakeSeatMode: "FreeToTake", Category: []int{1}, IsPublicVisible: true})
	srv := httptest.NewServer(f.emu)
	t.Cleanup(srv.Close)
	rates := map[string]float64{}
	for _, c := range []string{tencent.CmdGetRoomInfo, tencent.CmdGetRoomList, tencent.CmdUpdateRoomInfo} {
		rates[c] = math.Inf(1)
	}
	tc, err := tencent.New(tencent.Config{SDKAppID: testAppID, SecretKey: testSecret, Endpoint: srv.URL,
		AttemptTimeout: 5 * time.Second, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	f.log = sqlstore.New(f.db)
	f.rooms = rooms.NewService(tc, f.log, rooms.Options{App: app})
	f.bulk = bulk.New(f.db, f.rooms, bulk.Options{Log: f.log, App: app})
	f.svc = approval.New(f.db, f.log, approval.Options{Now: f.clock.Now,
		Rooms: func(a string) (approval.Updater, bool) { return f.rooms, a == app },
		Jobs:  func(a string) (approval.JobCreator, bool) { return f.bulk, a == app },
	})
	return f
}

// forDialects runs fn on SQLite and PostgreSQL.
func forDialects(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, newFixture(t, d)) })
	}
}

// hideRoom is alice's change: unlist the room (she saw it listed).
func hideRoom(reason string) approval.RoomChange {
	return approval.RoomChange{App: app, RoomID: roomID, Reason: reason,
		Submitted: rooms.Form{"IsPublicVisible": {"false"}, "RoomName": {"Launch night"}},
		Original:  rooms.Form{"IsPublicVisible": {"true"}, "RoomName": {"Launch night"}}}
}

func (f *fixture) request(t *testing.T) approval.Request {
	t.Helper()
	r, err := f.svc.CreateRoom(context.Background(), alice, hideRoom("sponsor asked to hide it until 20:00"))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return r
}

func (f *fixture) entry(t *testing.T, seq int64) audit.Entry {
	t.Helper()
	rec, err := f.log.Get(context.Background(), seq)
	if err != nil {
		t.Fatalf("audit #%d: %v", seq, err)
	}
	return rec.Entry
}

func (f *fixture) links(t *testing.T, id int64) []approval.Link {
	t.Helper()
	ls, err := f.svc.Links(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

func (f *fixture) get(t *testing.T, id int64) approval.Request {
	t.Helper()
	r, err := f.svc.Get(context.Background(), app, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func steps(ls []approval.Link) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Step
	}
	return out
}
