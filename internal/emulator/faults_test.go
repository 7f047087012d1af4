package emulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
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
	wantCode(t, a, 60007)
	if !strings.Contains(a.ErrorInfo, "frequency exceeds limit") {
		t.Errorf("ErrorInfo %q", a.ErrorInfo)
	}
	// Other commands have their own quota.
	wantCode(t, call(t, srv, CmdGetRoomList, `{"Next":"","Count":20}`), 0)
	clk.Advance(999 * time.Millisecond)
	wantCode(t, call(t, srv, CmdGetRoomInfo, body), 60007)
	clk.Advance(2 * time.Millisecond) // the first three are now over 1 s old
	for range 3 {
		wantCode(t, call(t, srv, CmdGetRoomInfo, body), 0)
	}
	wantCode(t, call(t, srv, CmdGetRoomInfo, body), 60007)
	if got := e.Calls(CmdGetRoomInfo); got != 6 {
		t.Errorf("Calls = %d, want 6 (rate-limited calls are not accepted)", got)
	}
}

func TestDefaultListQuota(t *testing.T) {
	clk := &clock{t: time.Now()}
	_, srv := newServer(t, Config{Now: clk.Now})
	for range 10 {
		wantCode(t, call(t, srv, CmdGetRoomList, `{"Next":"","Count":20}`), 0)
	}
	wantCode(t, call(t, srv, CmdGetRoomList, `{"Next":"","Count":20}`), 60007)
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

// timers is Config.After for latency tests: every wait is reported on
// asked, and fires only when the test sends on (or closes) fire.
type timers struct {
	asked chan time.Duration
	fire  chan time.Time
}

func newTimers() *timers {
	return &timers{asked: make(chan time.Duration, 1), fire: make(chan time.Time)}
}

func (tm *timers) After(d time.Duration) <-chan time.Time {
	tm.asked <- d
	return tm.fire
}

// returned wraps h so the test learns, as an event, when a call's handler
// has finished.
func returned(h http.Handler) (http.Handler, <-chan struct{}) {
	done := make(chan struct{}, 16)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		h.ServeHTTP(w, r)
	}), done
}

// A caller that gives up during the latency frees the handler at once, and
// nothing is applied. The latency timer here never fires, so the handler can
// only return because it watched the request's context.
func TestLatencyStopsWhenCallerGivesUp(t *testing.T) {
	tm := newTimers()
	e := New(Config{SDKAppID: testAppID, SecretKey: testKey, After: tm.After})
	e.PutRoom(baseRoom())
	e.SetLatency(time.Hour)
	h, done := returned(e)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	// The timer fires only when the test is over, so a handler that ignores
	// the caller fails the test below instead of hanging srv.Close.
	t.Cleanup(func() { close(tm.fire) })

	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, commandURL(srv, CmdUpdateRoomInfo, goodQuery(t)),
			strings.NewReader(`{"RoomInfo":{"RoomId":"room-1","RoomName":"Slow"}}`))
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	if d := <-tm.asked; d != time.Hour {
		t.Fatalf("latency wait of %v, want 1h", d)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the caller's cancellation", err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second): // a hang guard, not a measurement
		t.Fatal("the handler is still waiting out the latency after the caller gave up")
	}
	if r, _ := e.Room("room-1"); r.RoomName != "Base" || e.UpdateCount("room-1") != 0 {
		t.Errorf("a call abandoned during the latency was applied: %q", r.RoomName)
	}
	if got := e.Calls(CmdUpdateRoomInfo); got != 1 {
		t.Errorf("Calls = %d, want 1 (it reached Tencent)", got)
	}
}

// The answer comes only once the latency has passed, and is applied then.
func TestLatencyDelaysTheAnswer(t *testing.T) {
	tm := newTimers()
	e, srv := newServer(t, Config{After: tm.After})
	e.PutRoom(baseRoom())
	e.SetLatency(300 * time.Millisecond)
	answers := make(chan answer, 1)
	go func() {
		answers <- call(t, srv, CmdUpdateRoomInfo, `{"RoomInfo":{"RoomId":"room-1","RoomName":"Slow"}}`)
	}()
	if d := <-tm.asked; d != 300*time.Millisecond {
		t.Fatalf("latency wait of %v, want 300ms", d)
	}
	// The handler is blocked on our timer: nothing can have been answered
	// or applied yet.
	select {
	case a := <-answers:
		t.Fatalf("answered before the latency passed: %+v", a)
	default:
	}
	if r, _ := e.Room("room-1"); r.RoomName != "Base" {
		t.Fatalf("applied before the latency passed: %q", r.RoomName)
	}
	tm.fire <- time.Now()
	wantCode(t, <-answers, 0)
	if r, _ := e.Room("room-1"); r.RoomName != "Slow" {
		t.Errorf("RoomName %q after the latency", r.RoomName)
	}

	// Without latency no timer is asked for at all.
	e.SetLatency(0)
	wantCode(t, call(t, srv, CmdGetRoomInfo, `{"RoomId":"room-1"}`), 0)
	select {
	case d := <-tm.asked:
		t.Errorf("a %v wait with no latency set", d)
	default:
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
			if _, err := post(t, srv.Client(), commandURL(srv, CmdGetRoomList, q), `{"Next":"","Count":20}`); err != nil {
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
