package apps

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// twoApps starts two emulators, each knowing only its own SDKAppID and
// key, and a registry of two apps pointed at them.
func twoApps(t *testing.T, opts Options) (*Registry, map[string]*emulator.Emulator) {
	t.Helper()
	emus := map[string]*emulator.Emulator{}
	var list []config.App
	for i, id := range []string{"prod-cn", "prod-sg"} {
		key := emulator.NewSecretKey()
		sdk := 1400000001 + i
		emu := emulator.New(emulator.Config{SDKAppID: sdk, SecretKey: key, Seed: true})
		srv := httptest.NewServer(emu)
		t.Cleanup(srv.Close)
		emus[id] = emu
		list = append(list, config.App{ID: id, Name: id, SDKAppID: sdk, SecretKey: key,
			Admin: "administrator", Region: "china", Endpoint: srv.URL})
	}
	r, err := New(list, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r, emus
}

func TestEachAppSignsWithItsOwnKey(t *testing.T) {
	var mu sync.Mutex
	observed := map[string]int{}
	r, emus := twoApps(t, Options{Observe: func(id string) func(string, int, time.Duration) {
		return func(string, int, time.Duration) { mu.Lock(); observed[id]++; mu.Unlock() }
	}})
	if r.Default().ID != "prod-cn" || len(r.All()) != 2 {
		t.Fatalf("default %q, %d apps", r.Default().ID, len(r.All()))
	}
	for _, id := range []string{"prod-cn", "prod-sg"} {
		a, ok := r.Get(id)
		if !ok {
			t.Fatalf("no app %s", id)
		}
		if _, _, err := a.Tencent.GetRoomInfo(t.Context(), "live_1001"); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if _, err := a.Rooms.Get(t.Context(), "live_1002"); err != nil {
			t.Fatalf("%s rooms: %v", id, err)
		}
	}
	for id, emu := range emus {
		// Each emulator checks the SDKAppID and the UserSig's HMAC with its
		// own key: the two reads above reached each one, and only it.
		if got := emu.Calls(tencent.CmdGetRoomInfo); got != 2 {
			t.Errorf("%s emulator accepted %d get_room_info, want 2", id, got)
		}
		if observed[id] != 2 {
			t.Errorf("metrics hook for %s saw %d calls, want 2", id, observed[id])
		}
	}
	if _, ok := r.Get("nope"); ok {
		t.Error("unknown app found")
	}
}

// The emulators really verify: an app's client pointed at the other app's
// emulator is refused there.
func TestOtherAppsEmulatorRefuses(t *testing.T) {
	r, emus := twoApps(t, Options{})
	cn, _ := r.Get("prod-cn")
	sg, _ := r.Get("prod-sg")
	tc := tencent.Config{SDKAppID: cn.SDKAppID, SecretKey: cn.SecretKey, Endpoint: sg.Endpoint, MaxAttempts: 1}
	c, err := tencent.New(tc)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.GetRoomInfo(t.Context(), "live_1001")
	var apiErr *tencent.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("prod-cn's signature at prod-sg's emulator: %v, want a refusal", err)
	}
	if emus["prod-sg"].Calls(tencent.CmdGetRoomInfo) != 0 {
		t.Error("a foreign signature was accepted")
	}
	// Same key, other SDKAppID: also refused.
	tc = tencent.Config{SDKAppID: sg.SDKAppID, SecretKey: cn.SecretKey, Endpoint: sg.Endpoint, MaxAttempts: 1}
	if c, err = tencent.New(tc); err != nil {
		t.Fatal(err)
	}
	if _, _, err = c.GetRoomInfo(t.Context(), "live_1001"); !errors.As(err, &apiErr) {
		t.Fatalf("prod-sg's SDKAppID with prod-cn's key: %v, want a refusal", err)
	}
}

// Each app paces itself against its own quota: while prod-cn waits for its
// next slot, prod-sg still sends at once. The pacing timer is the test's,
// so nothing here depends on how fast the machine is.
func TestPacingIsPerApp(t *testing.T) {
	asked := make(chan string, 4)
	r, emus := twoApps(t, Options{Tencent: func(a config.App, c *tencent.Config) {
		c.Rates = map[string]float64{tencent.CmdGetRoomInfo: 1}
		id := a.ID
		c.After = func(time.Duration) <-chan time.Time {
			asked <- id
			return make(chan time.Time) // never fires: the slot never comes
		}
	}})
	cn, _ := r.Get("prod-cn")
	sg, _ := r.Get("prod-sg")
	if _, _, err := cn.Tencent.GetRoomInfo(t.Context(), "live_1001"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	waited := make(chan error, 1)
	go func() { _, _, err := cn.Tencent.GetRoomInfo(ctx, "live_1001"); waited <- err }()
	if id := <-asked; id != "prod-cn" {
		t.Fatalf("%s waited for a slot, want prod-cn", id)
	}
	// prod-cn's budget is spent; prod-sg's is not.
	if _, _, err := sg.Tencent.GetRoomInfo(t.Context(), "live_1001"); err != nil {
		t.Fatalf("prod-sg held back by prod-cn's pacing: %v", err)
	}
	cancel()
	if err := <-waited; !errors.Is(err, context.Canceled) {
		t.Fatalf("prod-cn's second call: %v, want cancelled while pacing", err)
	}
	if got := emus["prod-cn"].Calls(tencent.CmdGetRoomInfo); got != 1 {
		t.Errorf("prod-cn emulator got %d calls, want 1", got)
	}
	if got := emus["prod-sg"].Calls(tencent.CmdGetRoomInfo); got != 1 {
		t.Errorf("prod-sg emulator got %d calls, want 1", got)
	}
	if s := cn.Tencent.PaceStats(tencent.CmdGetRoomInfo); s.Slots != 1 || s.Refused != 1 {
		t.Errorf("prod-cn pacing %+v, want 1 slot and 1 refused", s)
	}
	if s := sg.Tencent.PaceStats(tencent.CmdGetRoomInfo); s.Slots != 1 || s.Waited != 0 || s.Refused != 0 {
		t.Errorf("prod-sg pacing %+v, want 1 slot without waiting", s)
	}
	select {
	case id := <-asked:
		t.Errorf("%s waited for a slot too", id)
	default:
	}
}

func TestShareSkipsFixedRates(t *testing.T) {
	r, err := New([]config.App{
		{ID: "a", SDKAppID: 1, SecretKey: "k", Admin: "administrator", Region: "china"},
		{ID: "b", SDKAppID: 2, SecretKey: "k", Admin: "administrator", Region: "china", Rate: 50},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := r.Get("a")
	b, _ := r.Get("b")
	full := a.Tencent.Rate(tencent.CmdUpdateRoomInfo)
	r.Share(map[string]int{"a": 2, "b": 2})
	if got := a.Tencent.Rate(tencent.CmdUpdateRoomInfo); got != full/2 {
		t.Errorf("shared app: %v, want %v", got, full/2)
	}
	if got := b.Tencent.Rate(tencent.CmdUpdateRoomInfo); got != 50 {
		t.Errorf("fixed-rate app: %v, want 50", got)
	}
	if !r.Shared() {
		t.Error("Shared() false with a shared app")
	}
	if ids := r.SharedIDs(); len(ids) != 1 || ids[0] != "a" {
		t.Errorf("SharedIDs %v, want [a]", ids)
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("no apps accepted")
	}
}

// A room edit in each app is audited with that app, and the log filters
// by it: one log, on both databases.
func TestEditsAreAuditedWithTheirApp(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			log := sqlstore.New(dbtest.Open(t, dialect))
			r, emus := twoApps(t, Options{Audit: log})
			for _, a := range r.All() {
				room, err := a.Rooms.Get(t.Context(), "live_1001")
				if err != nil {
					t.Fatal(err)
				}
				orig := rooms.FormFromRoom(room)
				sub := rooms.Form{}
				for k, v := range orig {
					sub[k] = v
				}
				sub["RoomName"] = []string{"renamed in " + a.ID}
				res, err := a.Rooms.Update(t.Context(), audit.Actor{Name: "olga", Role: "operator"}, "live_1001", sub, orig)
				if err != nil || res.Outcome != audit.OutcomeOK {
					t.Fatalf("%s: update %+v, %v", a.ID, res, err)
				}
			}
			for id, emu := range emus {
				if got, _ := emu.Room("live_1001"); got.RoomName != "renamed in "+id {
					t.Errorf("%s emulator's room is named %q", id, got.RoomName)
				}
				page, err := log.List(t.Context(), audit.Filter{App: id}, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Records) != 1 || page.Records[0].Entry.App != id || page.Records[0].Result == nil ||
					page.Records[0].Result.App != id || !strings.Contains(page.Records[0].Entry.RequestBody, "renamed in "+id) {
					t.Errorf("app %s: %d records %+v", id, len(page.Records), page.Records)
				}
			}
			if rep, err := log.Verify(t.Context()); err != nil || !rep.OK() {
				t.Errorf("verify: %+v %v", rep, err)
			}
		})
	}
}
