package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestQuota(t *testing.T) {
	clk := &clock{t: time.Now()}
	e, srv := newServer(t, Config{Seed: true, Now: clk.Now, Quotas: map[string]int{CmdGetRoomInfo: 3}})
	// Unauthenticated calls must not use up the quota.
	bad := goodQuery(t)
	bad.Set("usersig", "")
	for range 5 {
		wantCode(t, doRaw(t, http.MethodPost, commandURL(srv, CmdGetRoomInfo, bad), `{"RoomId":"live_1001"}`), 70002)
	}
	body := `{"RoomId":"live_1001"}`
	for range 3 {
		wantCode(t, call(t, srv, CmdGetRoomInfo, body), 0)
	}
	a := call(t, srv, CmdGetRoomInfo, body)
	wantCode(t, a, 100012)
	if !strings.Contains(a.ErrorInfo, "rate limit") {
		t.Errorf("ErrorInfo %q", a.ErrorInfo)
	}
	// Other commands have their own quota.
	wantCode(t, call(t, srv, CmdGetRoomList, `{"Next":""}`), 0)
	clk.Advance(999 * time.Millisecond)
	wantCode(t, call(t, srv, CmdGetRoomInfo, body), 100012)
	clk.Advance(2 * time.Millisecond) // the first three are now over 1 s old
	for range 3 {
		wantCode(t, call(t, srv, CmdGetRoomInfo, body), 0)
	}
	wantCode(t, call(t, srv, CmdGetRoomInfo, body), 100012)
	if got := e.Calls(CmdGetRoomInfo); got != 6 {
		t.Errorf("Calls = %d, want 6 (rate-limited calls are not accepted)", got)
	}
}

func TestDefaultListQuota(t *testing.T) {
	clk := &clock{t: time.Now()}
	_, srv := newServer(t, Config{Now: clk.Now})
	for range 10 {
		wantCode(t, call(t, srv, CmdGetRoomList, `{"Next":""}`), 0)
	}
	wantCode(t, call(t, srv, CmdGetRoomList, `{"Next":""}`), 100012)
}

// post sends an authenticated call with a client of its own, returning the
// transport error a dropped connection produces.
func post(t *testing.T, client *http.Client, url, body string) (*http.Response, error) {
	t.Helper()
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err == nil {
		defer resp.Body.Close()
	}
	return resp, err
}

func TestFaults(t *testing.T) {
	const body = `{"RoomInfo":{"RoomId":"room-1","RoomName":"Changed"}}`
	tests := []struct {
		name        string
		inject      func(e *Emulator)
		wantErr     bool // transport error instead of an answer
		code        int
		wantApplied bool
	}{
		{"fail", func(e *Emulator) { e.FailNext(CmdUpdateRoomInfo, 1, 100001) }, false, 100001, false},
		{"fail other command", func(e *Emulator) { e.FailNext(CmdGetRoomInfo, 1, 100001) }, false, 0, true},
		{"drop", func(e *Emulator) { e.DropNext(CmdUpdateRoomInfo, 1) }, true, 0, false},
		{"drop after apply", func(e *Emulator) { e.DropAfterApply(CmdUpdateRoomInfo, 1) }, true, 0, true},
		{"zero n is nothing", func(e *Emulator) { e.FailNext(CmdUpdateRoomInfo, 0, 100001) }, false, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, srv := newServer(t, Config{})
			e.PutRoom(baseRoom())
			tc.inject(e)
			u := commandURL(srv, CmdUpdateRoomInfo, goodQuery(t))
			if tc.wantErr {
				if _, err := post(t, srv.Client(), u, body); err == nil {
					t.Fatal("got an answer, want the connection dropped")
				}
			} else {
				wantCode(t, doRaw(t, http.MethodPost, u, body), tc.code)
			}
			r, _ := e.Room("room-1")
			if applied := r.RoomName == "Changed"; applied != tc.wantApplied {
				t.Errorf("applied = %v, want %v", applied, tc.wantApplied)
			}
			wantCount := 0
			if tc.wantApplied {
				wantCount = 1
			}
			if got := e.UpdateCount("room-1"); got != wantCount {
				t.Errorf("UpdateCount = %d, want %d", got, wantCount)
			}
			if got := e.Calls(CmdUpdateRoomInfo); got != 1 {
				t.Errorf("Calls = %d, want 1", got)
			}
			// The fault was consumed: the next call is normal.
			wantCode(t, call(t, srv, CmdUpdateRoomInfo, body), 0)
		})
	}
}

func TestFailNextQueue(t *testing.T) {
	e, srv := newServer(t, Config{Seed: true})
	e.FailNext(CmdGetRoomInfo, 2, 70169)
	e.FailNext(CmdGetRoomInfo, 1, 100012)
	body := `{"RoomId":"live_1001"}`
	for _, want := range []int{70169, 70169, 100012, 0} {
		a := call(t, srv, CmdGetRoomInfo, body)
		wantCode(t, a, want)
		if want != 0 && a.ErrorInfo != errorInfo[want] {
			t.Errorf("injected ErrorInfo %q, want %q", a.ErrorInfo, errorInfo[want])
		}
	}
	if got := e.Calls(CmdGetRoomInfo); got != 4 {
		t.Errorf("Calls = %d, want 4", got)
	}
}

func TestLatency(t *testing.T) {
	e, srv := newServer(t, Config{})
	e.PutRoom(baseRoom())
	e.SetLatency(300 * time.Millisecond)
	u := commandURL(srv, CmdUpdateRoomInfo, goodQuery(t))
	body := `{"RoomInfo":{"RoomId":"room-1","RoomName":"Slow"}}`

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(body))
	if _, err := srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}
	// The handler notices the cancellation asynchronously; give it a moment.
	time.Sleep(100 * time.Millisecond)
	if r, _ := e.Room("room-1"); r.RoomName != "Base" || e.UpdateCount("room-1") != 0 {
		t.Errorf("a call abandoned during the latency was applied: %q", r.RoomName)
	}
	if got := e.Calls(CmdUpdateRoomInfo); got != 1 {
		t.Errorf("Calls = %d, want 1 (it reached Tencent)", got)
	}

	start := time.Now()
	wantCode(t, doRaw(t, http.MethodPost, u, body), 0)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("answered after %v, latency is 300ms", d)
	}
	e.SetLatency(0)
	start = time.Now()
	wantCode(t, call(t, srv, CmdGetRoomInfo, `{"RoomId":"room-1"}`), 0)
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("answered after %v with no latency", d)
	}
}

func TestReset(t *testing.T) {
	e, srv := newServer(t, Config{Seed: true})
	n := e.Rooms()
	e.DeleteRoom("live_1001")
	e.FailNext(CmdGetRoomInfo, 5, 100001)
	e.SetLatency(time.Hour)
	e.Reset()
	wantCode(t, call(t, srv, CmdGetRoomInfo, `{"RoomId":"live_1001"}`), 0)
	if e.Rooms() != n || e.Calls(CmdGetRoomInfo) != 1 {
		t.Errorf("after Reset: %d rooms (want %d), %d calls", e.Rooms(), n, e.Calls(CmdGetRoomInfo))
	}
}

// Bulk edits from many goroutines: every room updated exactly once, while
// lists, fault injection and inspection run alongside (meaningful under -race).
func TestConcurrentUpdates(t *testing.T) {
	e, srv := newServer(t, Config{Seed: true, Quotas: map[string]int{CmdUpdateRoomInfo: 0, CmdGetRoomList: 0}})
	ids := e.RoomIDs()
	q := goodQuery(t)
	u := commandURL(srv, CmdUpdateRoomInfo, q)
	var wg sync.WaitGroup
	errs := make(chan error, len(ids)*2)
	for i, id := range ids {
		wg.Go(func() {
			resp, err := post(t, srv.Client(), u, mustJSON(t, map[string]any{
				"RoomInfo": map[string]any{"RoomId": id, "Notice": fmt.Sprintf("bulk %d", i)}}))
			if err != nil || resp.StatusCode != 200 {
				errs <- fmt.Errorf("%s: %v", id, err)
			}
		})
		wg.Go(func() {
			if _, err := post(t, srv.Client(), commandURL(srv, CmdGetRoomList, q), `{"Next":""}`); err != nil {
				errs <- err
			}
			e.FailNext(CmdDestroyRoom, 1, 100001)
			_ = e.Calls(CmdUpdateRoomInfo)
			_ = e.Bodies(CmdUpdateRoomInfo)
			_, _ = e.Room(id)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, id := range ids {
		if n := e.UpdateCount(id); n != 1 {
			t.Errorf("%s updated %d times", id, n)
		}
		if r, _ := e.Room(id); r.Notice != fmt.Sprintf("bulk %d", i) {
			t.Errorf("%s Notice %q", id, r.Notice)
		}
	}
}
