package schedule_test

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/schedule"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

const (
	testAppID  = 1400000078
	testSecret = "0123456789abcdef0123456789abcdef"
)

var olga = audit.Actor{Name: "olga", Role: "operator", IP: "192.0.2.7", UserAgent: "test"}

// clock is the fake clock the services read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a schedule service over a real database, the real rooms use
// case and the real client, talking to an emulator over loopback.
type fixture struct {
	db    *db.DB
	emu   *emulator.Emulator
	audit audit.Store
	rooms *rooms.Service
	svc   *schedule.Service
	clock *clock
}

func newFixture(t *testing.T, d db.Dialect) *fixture {
	t.Helper()
	f := &fixture{db: dbtest.Open(t, d), clock: &clock{t: time.Date(2026, 11, 26, 19, 0, 0, 0, time.UTC)}}
	f.emu = emulator.New(emulator.Config{SDKAppID: testAppID, SecretKey: testSecret})
	srv := httptest.NewServer(f.emu)
	t.Cleanup(srv.Close)
	tc, err := tencent.New(tencent.Config{SDKAppID: testAppID, SecretKey: testSecret, Endpoint: srv.URL,
		AttemptTimeout: 2 * time.Second, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	f.audit = sqlstore.New(f.db)
	f.rooms = rooms.NewService(tc, f.audit, rooms.Options{})
	f.svc = f.service()
	return f
}

// service is another runner on the fixture's database (another instance).
func (f *fixture) service() *schedule.Service {
	return schedule.New(f.db, f.rooms, schedule.Options{Log: f.audit, Now: f.clock.Now, RetryDelay: time.Minute})
}

func (f *fixture) put(id, name, notice string) {
	f.emu.PutRoom(emulator.Room{RoomID: id, RoomName: name, Notice: notice, MaxMemberCount: 100,
		TakeSeatMode: "FreeToTake", Category: []int{1}})
}

func (f *fixture) room(t *testing.T, id string) emulator.Room {
	t.Helper()
	r, ok := f.emu.Room(id)
	if !ok {
		t.Fatalf("no room %s", id)
	}
	return r
}

// runDue runs the due steps at the fake clock's time and says how many ran.
func (f *fixture) runDue(t *testing.T) int {
	t.Helper()
	n, err := f.svc.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fixture) get(t *testing.T, id int64) schedule.Schedule {
	t.Helper()
	sc, err := f.svc.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// entries are the audit rows with the action, oldest first.
func (f *fixture) entries(t *testing.T, action string) []audit.Entry {
	t.Helper()
	page, err := f.audit.List(context.Background(), audit.Filter{Action: action}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	for i := len(page.Records) - 1; i >= 0; i-- {
		out = append(out, page.Records[i].Entry)
	}
	return out
}

func form(kv ...string) rooms.Form {
	f := rooms.Form{}
	for i := 0; i+1 < len(kv); i += 2 {
		f[kv[i]] = []string{kv[i+1]}
	}
	return f
}

func forDialects(t *testing.T, fn func(t *testing.T, d db.Dialect)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}
