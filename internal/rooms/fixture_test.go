package rooms_test

import (
	"context"
	"math"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/audittest"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

const (
	testAppID  = 1400000001
	testSecret = "0123456789abcdef0123456789abcdef"
	roomID     = "live_test_1"
)

// fixture is the real thing end to end: the emulator over HTTP, the real
// client, the real SQLite audit store (behind a FailingStore switch).
type fixture struct {
	emu   *emulator.Emulator
	gate  *callgate.Gate // in front of emu: holds the calls a test picks
	log   *audittest.FailingStore
	svc   *rooms.Service
	now   time.Time
	audit []string // OnAuditWrite calls, "intent:true"...
	seen  []string // RoomSeen calls, "read:live_test_1:Friday Karaoke"...
}

// RoomSeen makes the fixture the service's Observer.
func (f *fixture) RoomSeen(_ context.Context, app string, r tencent.RoomInfo, how rooms.Seen) {
	f.seen = append(f.seen, string(how)+":"+r.RoomId+":"+r.RoomName)
}

func newFixture(t *testing.T, mods ...func(*tencent.Config)) *fixture {
	t.Helper()
	f := &fixture{now: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)}
	f.emu = emulator.New(emulator.Config{SDKAppID: testAppID, SecretKey: testSecret})
	f.emu.PutRoom(baseRoom())
	f.gate = callgate.New(f.emu)
	srv := httptest.NewServer(f.gate)
	t.Cleanup(srv.Close)
	t.Cleanup(f.gate.Close)
	rates := map[string]float64{}
	for _, c := range []string{tencent.CmdGetRoomInfo, tencent.CmdGetRoomList, tencent.CmdUpdateRoomInfo} {
		rates[c] = math.Inf(1)
	}
	cfg := tencent.Config{SDKAppID: testAppID, SecretKey: testSecret, Endpoint: srv.URL,
		MaxAttempts: 2, AttemptTimeout: 300 * time.Millisecond, Rates: rates}
	for _, mod := range mods {
		mod(&cfg)
	}
	tc, err := tencent.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.log = audittest.NewFailingStore(sqlstore.New(dbtest.Open(t, db.SQLite)))
	f.svc = rooms.NewService(tc, f.log, rooms.Options{
		Now:       func() time.Time { return f.now },
		Observers: []rooms.Observer{f},
		OnAuditWrite: func(k audit.Kind, ok bool) {
			f.audit = append(f.audit, string(k)+":"+map[bool]string{true: "ok", false: "failed"}[ok])
		},
	})
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

// rendered is the form as the page renders it for the room in the emulator.
func (f *fixture) rendered(t *testing.T) rooms.Form {
	t.Helper()
	r, err := f.svc.Get(context.Background(), roomID)
	if err != nil {
		t.Fatal(err)
	}
	return rooms.FormFromRoom(r)
}

// edit returns a copy of form with fields replaced.
func edit(form rooms.Form, kv ...any) rooms.Form {
	out := rooms.Form{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i < len(kv); i += 2 {
		switch v := kv[i+1].(type) {
		case string:
			out[kv[i].(string)] = []string{v}
		case []string:
			out[kv[i].(string)] = v
		}
	}
	return out
}

// browser is what a browser posts for form: three Category inputs and the
// hidden-false-then-checkbox pattern for booleans.
func browser(form rooms.Form) rooms.Form {
	out := edit(form)
	cats := form.Category()
	out[rooms.FieldCategory] = cats[:]
	for _, b := range []string{rooms.FieldIsMessageDisabled, rooms.FieldIsPublicVisible} {
		out[b] = []string{"false"}
		if form.Bool(b) {
			out[b] = append(out[b], "true")
		}
	}
	return out
}

func (f *fixture) records(t *testing.T) []audit.Record {
	t.Helper()
	p, err := f.log.List(context.Background(), audit.Filter{}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return p.Records
}

func (f *fixture) sent() []string {
	var out []string
	for _, b := range f.emu.Bodies(tencent.CmdUpdateRoomInfo) {
		out = append(out, string(b))
	}
	return out
}

var actor = audit.Actor{Name: "olga", Role: "operator", IP: "192.0.2.7", UserAgent: "test-agent"}
