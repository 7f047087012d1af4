package tencent_test

import (
	"context"
	"errors"
	"math"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// These tests hold the client against the emulator over real HTTP: two
// independent readings of Tencent's docs that must agree.

const (
	emuAppID = 1400000042
	emuKey   = "0f5b3c1e9a7d4b2c8e6f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f809"
)

func newEmu(t testing.TB, mod func(*tencent.Config)) (*emulator.Emulator, *tencent.Client) {
	t.Helper()
	return newEmuQuota(t, nil, mod)
}

func newEmuQuota(t testing.TB, quotas map[string]int, mod func(*tencent.Config)) (*emulator.Emulator, *tencent.Client) {
	t.Helper()
	emu := emulator.New(emulator.Config{SDKAppID: emuAppID, SecretKey: emuKey, Admin: "administrator", Seed: true, Quotas: quotas})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	cfg := tencent.Config{SDKAppID: emuAppID, SecretKey: emuKey, Endpoint: srv.URL}
	if mod != nil {
		mod(&cfg)
	}
	c, err := tencent.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return emu, c
}

func strp(s string) *string { return &s }

func TestEmulatorListAndRead(t *testing.T) {
	emu, c := newEmu(t, nil)
	var ids []string
	next := ""
	for page := 0; ; page++ {
		if page > 10 {
			t.Fatal("paging does not end")
		}
		list, _, err := c.GetRoomList(t.Context(), next, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list.Rooms {
			ids = append(ids, r.RoomId)
		}
		if next = list.Next; next == "" {
			break
		}
	}
	if len(ids) == 0 || len(ids) > emu.Rooms() {
		t.Fatalf("listed %d rooms of %d", len(ids), emu.Rooms())
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != len(ids) {
		t.Error("a room was listed twice")
	}
	for _, id := range ids[:5] {
		got, meta, err := c.GetRoomInfo(t.Context(), id)
		if err != nil {
			t.Fatalf("get_room_info %q: %v", id, err)
		}
		want, _ := emu.Room(id)
		if got.RoomId != want.RoomID || got.RoomName != want.RoomName || string(got.OwnerAccount) != want.OwnerAccount ||
			got.TakeSeatMode.String() != want.TakeSeatMode || bool(got.IsMessageDisabled) != want.IsMessageDisabled ||
			!slices.Equal(got.Category, want.Category) || got.ViewCount != want.ViewCount || got.Notice != want.Notice {
			t.Errorf("room %q:\n client   %+v\n emulator %+v", id, got, want)
		}
		if meta.RequestID == "" || meta.Attempts != 1 {
			t.Errorf("meta %+v", meta)
		}
	}
}

func TestEmulatorUpdateCreateDestroy(t *testing.T) {
	emu, c := newEmu(t, nil)
	id := emu.RoomIDs()[0]
	if _, err := c.UpdateRoomInfo(t.Context(), tencent.RoomUpdate{RoomId: id, RoomName: strp("Renamed")}); err != nil {
		t.Fatal(err)
	}
	if r, _ := emu.Room(id); r.RoomName != "Renamed" {
		t.Errorf("emulator room name %q", r.RoomName)
	}
	bodies := emu.Bodies(emulator.CmdUpdateRoomInfo)
	if want := `{"RoomInfo":{"RoomId":"` + id + `","RoomName":"Renamed"}}`; len(bodies) != 1 || string(bodies[0]) != want {
		t.Errorf("bodies %q, want %s", bodies, want)
	}

	newRoom := tencent.RoomInfo{RoomId: "live_new", RoomName: "Fresh", Category: []int{1}, IsPublicVisible: true,
		TakeSeatMode: tencent.SeatApplyToTake}
	if _, err := c.CreateRoom(t.Context(), newRoom, "VideoDynamicGrid9Seats"); err != nil {
		t.Fatal(err)
	}
	got, _, err := c.GetRoomInfo(t.Context(), "live_new")
	if err != nil || got.RoomName != "Fresh" || got.TakeSeatMode != tencent.SeatApplyToTake || got.RoomType != "Live" {
		t.Fatalf("created room %+v, %v", got, err)
	}
	_, err = c.CreateRoom(t.Context(), newRoom, "VideoDynamicGrid9Seats")
	var ae *tencent.APIError
	if !errors.As(err, &ae) || (ae.Code != 100003 && ae.Code != 100010) {
		t.Errorf("creating twice: %v", err)
	}

	if _, err := c.DestroyRoom(t.Context(), "live_new"); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.GetRoomInfo(t.Context(), "live_new")
	if !errors.As(err, &ae) || ae.Code != 100004 {
		t.Errorf("reading a destroyed room: %v", err)
	}
}

func TestEmulatorFaults(t *testing.T) {
	tests := []struct {
		name        string
		inject      func(e *emulator.Emulator)
		wantCalls   int
		wantUpdates int
		unreachable bool
		wantCode    int
		wantRenamed bool
	}{
		{"internal error retried", func(e *emulator.Emulator) { e.FailNext(emulator.CmdUpdateRoomInfo, 1, 100001) }, 2, 1, false, 0, true},
		{"expired sig renewed", func(e *emulator.Emulator) { e.FailNext(emulator.CmdUpdateRoomInfo, 1, 70001) }, 2, 1, false, 0, true},
		{"invalid param final", func(e *emulator.Emulator) { e.FailNext(emulator.CmdUpdateRoomInfo, 1, 100002) }, 1, 0, false, 100002, false},
		{"drops exhaust attempts", func(e *emulator.Emulator) { e.DropNext(emulator.CmdUpdateRoomInfo, 3) }, 3, 0, true, 0, false},
		{"lost answer, retry is idempotent", func(e *emulator.Emulator) { e.DropAfterApply(emulator.CmdUpdateRoomInfo, 1) }, 2, 2, false, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			emu, c := newEmu(t, nil)
			id := emu.RoomIDs()[0]
			tc.inject(emu)
			meta, err := c.UpdateRoomInfo(t.Context(), tencent.RoomUpdate{RoomId: id, RoomName: strp("Renamed")})
			if got := emu.Calls(emulator.CmdUpdateRoomInfo); got != tc.wantCalls || meta.Attempts != tc.wantCalls {
				t.Errorf("emulator calls %d, Meta.Attempts %d, want %d", got, meta.Attempts, tc.wantCalls)
			}
			if got := emu.UpdateCount(id); got != tc.wantUpdates {
				t.Errorf("applied %d updates, want %d", got, tc.wantUpdates)
			}
			if errors.Is(err, tencent.ErrUnreachable) != tc.unreachable {
				t.Errorf("err %v, unreachable want %v", err, tc.unreachable)
			}
			var ae *tencent.APIError
			gotCode := 0
			if errors.As(err, &ae) {
				gotCode = ae.Code
			}
			if gotCode != tc.wantCode {
				t.Errorf("err %v, want code %d", err, tc.wantCode)
			}
			if r, _ := emu.Room(id); (r.RoomName == "Renamed") != tc.wantRenamed {
				t.Errorf("room name %q", r.RoomName)
			}
			if err != nil && strings.Contains(err.Error(), emuKey) {
				t.Error("error leaks the key")
			}
		})
	}
}

// Over the per-app quota the emulator answers 60007 (the REST overview's
// "call frequency exceeds limit"); the client reads it as retryable and
// retries it like 100012.
func TestEmulatorQuotaIs60007(t *testing.T) {
	// A frozen emulator clock: every call falls in the same second.
	frozen := time.Now()
	emu := emulator.New(emulator.Config{SDKAppID: emuAppID, SecretKey: emuKey, Seed: true,
		Quotas: map[string]int{emulator.CmdGetRoomInfo: 2}, Now: func() time.Time { return frozen }})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := tencent.New(tencent.Config{SDKAppID: emuAppID, SecretKey: emuKey, Endpoint: srv.URL, MaxAttempts: 1,
		Rates: map[string]float64{tencent.CmdGetRoomInfo: math.Inf(1)}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, _, err := c.GetRoomInfo(t.Context(), "live_1001"); err != nil {
			t.Fatal(err)
		}
	}
	_, meta, err := c.GetRoomInfo(t.Context(), "live_1001")
	var ae *tencent.APIError
	if !errors.As(err, &ae) || ae.Code != 60007 || !tencent.IsRetryable(err) {
		t.Fatalf("third call: err %v (meta %+v), want a retryable 60007", err, meta)
	}
	if got := emu.Calls(emulator.CmdGetRoomInfo); got != 2 {
		t.Errorf("emulator admitted %d calls, want 2 (refused calls are not admitted)", got)
	}
}

// TestEmulatorPacingMeetsQuota sends a burst of list calls at the default
// pacing; the emulator enforces the documented 10/s and would answer 60007
// to any call over it.
func TestEmulatorPacingMeetsQuota(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 1.5s")
	}
	emu, c := newEmu(t, func(c *tencent.Config) { c.MaxAttempts = 1 })
	const n = 15
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, _, err := c.GetRoomList(context.Background(), "", 5)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("paced call refused: %v", err)
		}
	}
	if got := emu.Calls(emulator.CmdGetRoomList); got != n {
		t.Errorf("emulator admitted %d calls, want %d", got, n)
	}
	if st := c.PaceStats(tencent.CmdGetRoomList); st.Slots != n || st.Waited < n-1 {
		t.Errorf("PaceStats %+v", st)
	}
}

// BenchmarkUpdateRoomInfo is the client against the emulator over loopback:
// sign, send, the emulator's signature check and validation, decode. Both
// quotas are lifted so the figure is the cost of a call, not the pacing.
func BenchmarkUpdateRoomInfo(b *testing.B) {
	unlimited := map[string]int{tencent.CmdUpdateRoomInfo: 0}
	_, c := newEmuQuota(b, unlimited, func(cfg *tencent.Config) {
		cfg.Rates = map[string]float64{tencent.CmdUpdateRoomInfo: math.Inf(1)}
	})
	names := []string{"bench one", "bench two"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u := tencent.RoomUpdate{RoomId: "live_1001", RoomName: strp(names[i%2])}
		i++
		if _, err := c.UpdateRoomInfo(context.Background(), u); err != nil {
			b.Fatal(err)
		}
	}
}

// Share divides every command's rate among instances, and undoes it.
func TestShareDividesRates(t *testing.T) {
	_, c := newEmu(t, nil)
	full := c.Rate(tencent.CmdUpdateRoomInfo)
	list := c.Rate(tencent.CmdGetRoomList)
	c.Share(2)
	if got := c.Rate(tencent.CmdUpdateRoomInfo); got != full/2 {
		t.Errorf("update rate shared by 2: %v, want %v", got, full/2)
	}
	if got := c.Rate(tencent.CmdGetRoomList); got != list/2 {
		t.Errorf("list rate shared by 2: %v, want %v", got, list/2)
	}
	c.Share(1)
	if got := c.Rate(tencent.CmdUpdateRoomInfo); got != full {
		t.Errorf("update rate back to one instance: %v, want %v", got, full)
	}
}

// The emulator is as strict as the docs (Count 1..20 and mandatory,
// TakeSeatMode a string); what the client sends always passes.
func TestEmulatorStrictRequestsPass(t *testing.T) {
	emu, c := newEmu(t, nil)
	for _, count := range []int{0, 1, 20} { // 0 means the client's default, 20
		list, meta, err := c.GetRoomList(t.Context(), "", count)
		if err != nil {
			t.Fatalf("count %d: %v", count, err)
		}
		want := max(count, 1)
		if count == 0 {
			want = 20
		}
		if len(list.Rooms)+len(list.Unreadable) != want || !strings.Contains(string(meta.RequestBody), `"Count":`) {
			t.Errorf("count %d: %d rooms, body %s", count, len(list.Rooms), meta.RequestBody)
		}
	}
	for _, mode := range []string{"ApplyToTake", "FreeToTake"} {
		if _, err := c.UpdateRoomInfo(t.Context(), tencent.RoomUpdate{RoomId: "live_1001", TakeSeatMode: strp(mode)}); err != nil {
			t.Fatalf("TakeSeatMode %s: %v", mode, err)
		}
		if r, _ := emu.Room("live_1001"); r.TakeSeatMode != mode {
			t.Errorf("TakeSeatMode %q, want %q", r.TakeSeatMode, mode)
		}
	}
}

// The emulator's odd-shaped demo rooms (numbers for strings, 1/2 for seat
// modes, "true" for bools, undocumented extras) read the same as the
// emulator holds them.
func TestEmulatorDocumentedShapesRead(t *testing.T) {
	emu, c := newEmu(t, nil)
	for _, id := range []string{"live_1012", "live_1013", "live_1014", "live_1016", "live_1017"} {
		got, _, err := c.GetRoomInfo(t.Context(), id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		want, _ := emu.Room(id)
		if string(got.OwnerAccount) != want.OwnerAccount || string(got.TakeSeatMode) != want.TakeSeatMode ||
			bool(got.IsMessageDisabled) != want.IsMessageDisabled || got.RoomName != want.RoomName {
			t.Errorf("%s read as %+v, emulator holds %+v", id, got, want)
		}
	}
}
