package catalogue_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

const (
	sdkAppID = 1400000009
	secret   = "catalogue-test-secret-key-0123456789abcdef"
)

// newEmulator serves an emulator holding n public rooms, live_000 … (most
// viewed first), and returns a client for it configured by mods.
func newEmulator(t *testing.T, n int, mods ...func(*tencent.Config)) (*emulator.Emulator, *tencent.Client) {
	t.Helper()
	emu := emulator.New(emulator.Config{SDKAppID: sdkAppID, SecretKey: secret})
	for i := range n {
		emu.PutRoom(emulator.Room{RoomID: fmt.Sprintf("live_%03d", i), RoomName: fmt.Sprintf("Room %d 房间", i),
			OwnerAccount: "anchor", ViewCount: int64(10000 - i), IsPublicVisible: true, TakeSeatMode: "FreeToTake",
			MaxMemberCount: 100, CreateTime: 1751371200})
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	rates := map[string]float64{}
	for _, c := range []string{tencent.CmdGetRoomInfo, tencent.CmdGetRoomList, tencent.CmdUpdateRoomInfo} {
		rates[c] = math.Inf(1)
	}
	cfg := tencent.Config{SDKAppID: sdkAppID, SecretKey: secret, Endpoint: srv.URL, MaxAttempts: 1,
		AttemptTimeout: 5 * time.Second, Rates: rates}
	for _, m := range mods {
		m(&cfg)
	}
	tc, err := tencent.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return emu, tc
}

// recorder is an Observer noting what it is told.
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *recorder) RoomSeen(_ context.Context, app string, room tencent.RoomInfo, how rooms.Seen) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, app+":"+string(how)+":"+room.RoomId)
}

func count(t *testing.T, s *catalogue.Store, q catalogue.Query) []string {
	t.Helper()
	q.App, q.Limit = app, 1000
	p, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return ids(p)
}

// A sweep catalogues every listed room and tells the other observers; the
// next sweep marks the public rooms it no longer finds as missing, keeps a
// private room opened by id as private, and deletes nothing.
func TestSweepCataloguesAndMarksMissing(t *testing.T) {
	each(t, func(t *testing.T, d db.Dialect) {
		s, c := newStore(t, d)
		emu, tc := newEmulator(t, 45)
		ctx := context.Background()
		obs := &recorder{}
		y := s.NewSyncer(catalogue.SyncOptions{App: app, Client: tc, Observers: []rooms.Observer{obs}})

		// A private room opened by id is known before any sweep.
		emu.PutRoom(emulator.Room{RoomID: "secret_1", RoomName: "Staff only", IsPublicVisible: false, TakeSeatMode: "FreeToTake"})
		r, _, err := tc.GetRoomInfo(ctx, "secret_1")
		if err != nil {
			t.Fatal(err)
		}
		s.RoomSeen(ctx, app, r, rooms.SeenRead)
		if st, _ := s.Status(ctx, app); st.Swept() || st.Sweeping {
			t.Fatalf("status before any sweep: %+v", st)
		}

		c.tick()
		if err := y.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("all %q; calls %d", count(t, s, catalogue.Query{}), emu.Calls(tencent.CmdGetRoomList))
		if got := count(t, s, catalogue.Query{Presence: catalogue.Listed}); len(got) != 45 || got[0] != "live_000" {
			t.Fatalf("after the first sweep, %d listed rooms: %q", len(got), got)
		}
		if n := emu.Calls(tencent.CmdGetRoomList); n != 3 {
			t.Errorf("get_room_list calls: %d, want 3 (45 rooms, 20 a page)", n)
		}
		if len(obs.seen) != 45 || obs.seen[0] != app+":list:live_000" {
			t.Errorf("observers told %d rooms, first %q", len(obs.seen), obs.seen[:min(1, len(obs.seen))])
		}
		st, err := s.Status(ctx, app)
		if err != nil || !st.Swept() || st.Sweeping || st.LastSeen != 45 || st.LastMissing != 0 || !st.LastSweep.Equal(c.t) {
			t.Fatalf("status after the sweep: %+v, %v", st, err)
		}

		// Two rooms go, one is made private; another appears.
		emu.DeleteRoom("live_003")
		emu.DeleteRoom("live_044")
		hidden, _ := emu.Room("live_010")
		hidden.IsPublicVisible = false
		emu.PutRoom(hidden)
		emu.PutRoom(emulator.Room{RoomID: "new_1", RoomName: "Brand new", IsPublicVisible: true, ViewCount: 1, TakeSeatMode: "FreeToTake"})
		c.tick()
		if err := y.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if got := count(t, s, catalogue.Query{Presence: catalogue.Missing}); !slices.Equal(got, []string{"live_003", "live_010", "live_044"}) {
			t.Errorf("missing after the second sweep: %q", got)
		}
		if got := count(t, s, catalogue.Query{Presence: catalogue.Private}); !slices.Equal(got, []string{"secret_1"}) {
			t.Errorf("private: %q", got)
		}
		if got := count(t, s, catalogue.Query{}); len(got) != 47 {
			t.Errorf("%d rooms catalogued, want all 47 ever seen (nothing deleted)", len(got))
		}
		if st, _ := s.Status(ctx, app); st.LastSeen != 43 || st.LastMissing != 3 {
			t.Errorf("status after the second sweep: %+v", st)
		}
		// Opening a missing room by id brings it back.
		r, _, err = tc.GetRoomInfo(ctx, "live_010")
		if err != nil {
			t.Fatal(err)
		}
		c.tick()
		s.RoomSeen(ctx, app, r, rooms.SeenRead)
		if e, _, _ := s.Get(ctx, app, "live_010"); e.Presence != catalogue.Private {
			t.Errorf("a missing room read by id is %s, want private", e.Presence)
		}
	})
}

// flakyLister fails its calls from the failAt-th on (0-based), and
// records the cursor of every call.
type flakyLister struct {
	tc     *tencent.Client
	failAt int
	err    error
	calls  []string
}

func (f *flakyLister) GetRoomList(ctx context.Context, next string, n int) (tencent.RoomList, tencent.Meta, error) {
	f.calls = append(f.calls, next)
	if f.failAt >= 0 && len(f.calls) > f.failAt {
		return tencent.RoomList{}, tencent.Meta{}, f.err
	}
	return f.tc.GetRoomList(ctx, next, n)
}

// A sweep that stops (Tencent unreachable) keeps its place and the next
// one resumes from Tencent's cursor; a cursor Tencent refuses starts the
// sweep over.
func TestSweepResumesWhereItStopped(t *testing.T) {
	each(t, func(t *testing.T, d db.Dialect) {
		s, c := newStore(t, d)
		_, tc := newEmulator(t, 50)
		ctx := context.Background()
		fl := &flakyLister{tc: tc, failAt: 1, err: fmt.Errorf("get_room_list: %w", tencent.ErrUnreachable)}
		y := s.NewSyncer(catalogue.SyncOptions{App: app, Client: fl})
		if err := y.Sweep(ctx); !errors.Is(err, tencent.ErrUnreachable) {
			t.Fatalf("sweep: %v", err)
		}
		st, _ := s.Status(ctx, app)
		if !st.Sweeping || st.Pages != 1 || st.Seen != 20 || st.Swept() || st.LastError == "" {
			t.Fatalf("status after a stopped sweep: %+v", st)
		}
		cursor := fl.calls[1]
		fl.failAt, fl.calls = -1, nil
		c.tick()
		if err := y.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if len(fl.calls) != 2 || fl.calls[0] != cursor {
			t.Errorf("resumed sweep asked for %q, want to start at %q", fl.calls, cursor)
		}
		if st, _ := s.Status(ctx, app); !st.Swept() || st.Sweeping || st.LastSeen != 50 || st.LastMissing != 0 || st.LastError != "" {
			t.Errorf("status after the resumed sweep: %+v", st)
		}

		// A refused cursor: the next sweep begins at the first page.
		fl.failAt, fl.calls = 1, nil
		fl.err = &tencent.APIError{Command: tencent.CmdGetRoomList, Code: tencent.CodeInvalidParam}
		if err := y.Sweep(ctx); err == nil {
			t.Fatal("sweep did not stop")
		}
		fl.failAt, fl.calls = -1, nil
		if err := y.Sweep(ctx); err != nil || len(fl.calls) != 3 || fl.calls[0] != "" {
			t.Errorf("after a refused cursor: %v, calls %q", err, fl.calls)
		}
	})
}

// heldTimer is the client's pacing timer: a long wait (get_room_list's,
// below) is held until the test releases it, and is announced on held;
// the short waits of get/update at 197/s take their real time. So a sweep
// parks on its second page while the test edits. (Passed at once, short
// waits let the limiter's reservations run ahead of the clock: after about
// ten get_room_info faster than 197/s, the next wait passed 50 ms, was held,
// and the test hung; faster edits made it likelier.)
type heldTimer struct {
	held    chan time.Duration
	release chan time.Time
}

func (h *heldTimer) After(d time.Duration) <-chan time.Time {
	if d < 50*time.Millisecond {
		return time.After(d)
	}
	h.held <- d
	return h.release
}

// Interactive edits go at full speed while a sweep runs: get_room_list is
// paced on its own (9/s in production, within Tencent's 10/s), so with the
// sweep parked on its next list slot every edit's get_room_info and
// update_room_info is sent at its own pace, none waits behind the sweep,
// and the sweep then finishes. (The edit rate with and without a sweep at
// the real pace is a benchmark figure: docs/BENCHMARKS.md, "cat".)
func TestEditsDoNotWaitForTheSweep(t *testing.T) {
	timer := &heldTimer{held: make(chan time.Duration), release: make(chan time.Time)}
	emu, tc := newEmulator(t, 100, func(c *tencent.Config) {
		// The production pace for edits; get_room_list paced so slowly that
		// its next slot is always far off, however slow the machine, so the
		// sweep surely waits for it (on the held timer).
		c.Rates = map[string]float64{tencent.CmdGetRoomInfo: 197, tencent.CmdUpdateRoomInfo: 197, tencent.CmdGetRoomList: 0.001}
		c.After, c.MaxAttempts = timer.After, 3
	})
	s, _ := newStore(t, db.SQLite)
	svc := rooms.NewService(tc, auditStore(t), rooms.Options{App: app, Observers: []rooms.Observer{s}})
	ctx := context.Background()
	y := s.NewSyncer(catalogue.SyncOptions{App: app, Client: tc})
	swept := make(chan error, 1)
	go func() { swept <- y.Sweep(ctx) }()

	<-timer.held // the sweep read page 1 and waits for its next list slot
	if n := emu.Calls(tencent.CmdGetRoomList); n != 1 {
		t.Fatalf("list calls before the edits: %d", n)
	}
	const edits = 25
	before := tc.PaceStats(tencent.CmdUpdateRoomInfo)
	for i := range edits {
		id := fmt.Sprintf("live_%03d", 50+i)
		orig := rooms.FormFromRoom(mustRoom(t, tc, id))
		sub := rooms.Form{}
		for k, v := range orig {
			sub[k] = v
		}
		sub["Notice"] = []string{"edited while the sweep runs"}
		res, err := svc.Update(ctx, auditActor, id, sub, orig)
		if err != nil || res.Outcome != "ok" {
			t.Fatalf("edit %d: %v %+v", i, err, res)
		}
	}
	if n := emu.Calls(tencent.CmdGetRoomList); n != 1 {
		t.Errorf("list calls during the edits: %d, want still 1 (the sweep waits, edits do not)", n)
	}
	after := tc.PaceStats(tencent.CmdUpdateRoomInfo)
	if sent := after.Slots - before.Slots; sent != edits || after.Refused != 0 {
		t.Errorf("update_room_info: %d sent, %d refused a slot; want %d sent, none refused", sent, after.Refused, edits)
	}
	// The edited rooms are already in the catalogue, as the updates left them.
	if e, ok, _ := s.Get(ctx, app, "live_050"); !ok || e.Notice != "edited while the sweep runs" || e.SeenHow != rooms.SeenUpdate {
		t.Errorf("edited room in the catalogue: %+v", e)
	}

	timer.release <- time.Time{} // the slot the sweep was waiting for
	for done := false; !done; {
		select {
		case <-timer.held:
			timer.release <- time.Time{}
		case err := <-swept:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		}
	}
	if n := emu.Calls(tencent.CmdGetRoomList); n != 5 {
		t.Errorf("list calls for 100 rooms: %d, want 5", n)
	}
	if st, _ := s.Status(ctx, app); st.LastSeen != 100 || st.LastError != "" {
		t.Errorf("sweep: %+v", st)
	}
	// The sweep's later view of an edited room keeps what the edit set
	// (the list has no Notice).
	if e, _, _ := s.Get(ctx, app, "live_050"); e.Notice != "edited while the sweep runs" {
		t.Errorf("the sweep lost the edited notice: %q", e.Notice)
	}
}

func mustRoom(t *testing.T, tc *tencent.Client, id string) tencent.RoomInfo {
	t.Helper()
	r, _, err := tc.GetRoomInfo(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// On PostgreSQL an app's sweep is leased: while one instance sweeps,
// another's Sweep answers ErrLeased and sends nothing; after, it may.
func TestSweepIsLeasedToOneInstance(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	a, b := catalogue.New(d, catalogue.Options{}), catalogue.New(d, catalogue.Options{})
	emu, tc := newEmulator(t, 30)
	gate := &gatedLister{tc: tc, in: make(chan struct{}), out: make(chan struct{})}
	ya := a.NewSyncer(catalogue.SyncOptions{App: app, Client: gate})
	yb := b.NewSyncer(catalogue.SyncOptions{App: app, Client: tc})
	ctx := context.Background()
	done := make(chan error, 1)
	go func() { done <- ya.Sweep(ctx) }()
	<-gate.in // a holds the lease, inside its first list call
	if err := yb.Sweep(ctx); !errors.Is(err, catalogue.ErrLeased) {
		t.Fatalf("second instance: %v, want ErrLeased", err)
	}
	if n := emu.Calls(tencent.CmdGetRoomList); n != 0 {
		t.Errorf("the refused sweep sent %d list calls", n)
	}
	// Another app is not held by this lease.
	if err := b.NewSyncer(catalogue.SyncOptions{App: "other", Client: tc}).Sweep(ctx); err != nil {
		t.Errorf("another app's sweep: %v", err)
	}
	close(gate.out)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := yb.Sweep(ctx); err != nil {
		t.Errorf("after the first instance finished: %v", err)
	}
}

// gatedLister holds its first call until out closes, saying so on in.
type gatedLister struct {
	tc      *tencent.Client
	in, out chan struct{}
	once    sync.Once
}

func (g *gatedLister) GetRoomList(ctx context.Context, next string, n int) (tencent.RoomList, tencent.Meta, error) {
	g.once.Do(func() { close(g.in); <-g.out })
	return g.tc.GetRoomList(ctx, next, n)
}
