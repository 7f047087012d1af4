package history_test

import (
	"context"
	"math"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/history"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

const (
	testAppID  = 1400000001
	testSecret = "0123456789abcdef0123456789abcdef"
	roomID     = "live_hist_1"
	appID      = "prod"
)

// fixture is the real thing: the emulator over HTTP, the real client, the
// real audit store on a real database, the rooms service telling the
// history service what it sees.
type fixture struct {
	emu   *emulator.Emulator
	d     *db.DB
	log   *sqlstore.Store
	hist  *history.Service
	rooms *rooms.Service
}

func newFixture(t *testing.T, d *db.DB, emu *emulator.Emulator) *fixture {
	t.Helper()
	f := &fixture{emu: emu, d: d, log: sqlstore.New(d)}
	if f.emu == nil {
		f.emu = emulator.New(emulator.Config{SDKAppID: testAppID, SecretKey: testSecret})
		f.emu.PutRoom(baseRoom())
	}
	srv := httptest.NewServer(f.emu)
	t.Cleanup(srv.Close)
	rates := map[string]float64{}
	for _, c := range []string{tencent.CmdGetRoomInfo, tencent.CmdGetRoomList, tencent.CmdUpdateRoomInfo} {
		rates[c] = math.Inf(1)
	}
	tc, err := tencent.New(tencent.Config{SDKAppID: testAppID, SecretKey: testSecret, Endpoint: srv.URL,
		MaxAttempts: 1, AttemptTimeout: 2 * time.Second, Rates: rates})
	if err != nil {
		t.Fatal(err)
	}
	f.hist = history.New(d, history.Options{Log: f.log, Tx: f.log, DefaultApp: appID})
	f.rooms = rooms.NewService(tc, f.log, rooms.Options{App: appID, ListCacheTTL: time.Nanosecond,
		Observers: []rooms.Observer{f.hist}})
	return f
}

func baseRoom() emulator.Room {
	return emulator.Room{
		RoomID: roomID, RoomName: "Friday Karaoke", OwnerAccount: "anchor_lily", CreateTime: 1751371200,
		IsSeatEnabled: true, TakeSeatMode: "FreeToTake", MaxSeatCount: 8, MaxMemberCount: 300,
		CoverURL: "https://cdn.example.com/c.jpg", Category: []int{1, 2}, ActivityStatus: 1,
		ViewCount: 1234, IsPublicVisible: true, Notice: "Be kind",
	}
}

// outsideEdit changes the room in the emulator directly, as the app's
// backend or Tencent's console would.
func (f *fixture) outsideEdit(t *testing.T, mod func(*emulator.Room)) {
	t.Helper()
	r, ok := f.emu.Room(roomID)
	if !ok {
		t.Fatal("no room")
	}
	mod(&r)
	f.emu.PutRoom(r)
}

func (f *fixture) get(t *testing.T) tencent.RoomInfo {
	t.Helper()
	r, err := f.rooms.Get(context.Background(), roomID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// edit saves kv over the room's current form, as an operator would.
func (f *fixture) edit(t *testing.T, kv ...string) rooms.Result {
	t.Helper()
	orig := rooms.FormFromRoom(f.get(t))
	sub := rooms.Form{}
	for k, v := range orig {
		sub[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		sub[kv[i]] = []string{kv[i+1]}
	}
	res, err := f.rooms.Update(context.Background(), audit.Actor{Name: "olga", Role: "operator"}, roomID, sub, orig)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// outside lists the room's changed-outside events, newest first.
func (f *fixture) outside(t *testing.T) []audit.Record {
	t.Helper()
	p, err := f.log.List(context.Background(), audit.Filter{RoomID: roomID, Action: audit.ActionChangedOutside}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return p.Records
}

func eachDialect(t *testing.T, fn func(t *testing.T, d db.Dialect)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}
