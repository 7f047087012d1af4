package tencent

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A request counts against Tencent's second until a second after its
// answer: with rate 4/s (at most 5 in a second) and five calls held in
// flight at the server, a sixth is not sent, however long ago its slot
// came, until one of the five is answered and a second has passed (the
// fake clock's After moves it on). Without the guard the sixth would reach
// the server while the five were still there, as a delayed request does.
func TestWindowGuardCountsRequestsInFlight(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 10)
	var released atomic.Bool
	var early atomic.Int64
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > 5 && !released.Load() {
			early.Add(1)
		}
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done(): // the test failed and gave up
			return
		}
		w.Write([]byte(okBody(sampleRoomInfo)))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		for range 10 {
			select {
			case release <- struct{}{}:
			default:
			}
		}
	})
	f := &fake{srv: srv, clock: &fakeClock{}}
	c := f.client(t, func(c *Config) { c.Rates = map[string]float64{CmdGetRoomInfo: 4} })
	// The calls end with the test (t.Context), so a test that fails part
	// way leaves nothing waiting; their errors are read after they all end.
	var wg sync.WaitGroup
	var failed atomic.Int64
	call := func() {
		wg.Go(func() {
			if _, _, err := c.GetRoomInfo(t.Context(), "r1"); err != nil {
				failed.Add(1)
			}
		})
	}
	for range 5 {
		call()
	}
	// All five reach the server; none is held by the guard (the window
	// holds five).
	for got := 0; got < 5; {
		select {
		case <-arrived:
			got++
		default:
			if c.PaceStats(CmdGetRoomInfo).Held != 0 {
				t.Fatalf("held with %d of 5 in flight", got)
			}
			runtime.Gosched()
		}
	}
	call()
	// The sixth is either at the server already (early) or held by the
	// guard; wait for one or the other.
	sixth := false
	for !sixth && c.PaceStats(CmdGetRoomInfo).Held == 0 {
		select {
		case <-arrived:
			sixth = true
		default:
			runtime.Gosched()
		}
	}
	released.Store(true)
	release <- struct{}{}
	// Once one answer is a second old (the fake clock's After moves on at
	// once) the sixth goes. Meanwhile the guard never counts more in
	// flight than the window holds (an answer must free its place).
	p := c.pacerFor(CmdGetRoomInfo)
	for !sixth {
		select {
		case <-arrived:
			sixth = true
		default:
			if n, _ := p.counts(); n > 5 {
				t.Fatalf("%d requests counted in flight, the window holds 5", n)
			}
			runtime.Gosched()
		}
	}
	for range 5 {
		release <- struct{}{}
	}
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Errorf("%d of 6 calls failed", n)
	}
	if early.Load() != 0 {
		t.Errorf("a sixth request reached the server while five were in flight")
	}
	if st := c.PaceStats(CmdGetRoomInfo); st.Slots != 6 || st.Held == 0 {
		t.Errorf("PaceStats %+v, want 6 slots and a wait for the window", st)
	}
}

// A background caller (the catalogue's sweep) never takes the slot an
// interactive caller is waiting for: with get_room_list at one call per
// 100 s, an interactive call made while a background one waits gets the
// next slot (about 100 s away), not the one after it (200 s).
func TestBackgroundCallsYieldToInteractive(t *testing.T) {
	f := newFake(t, script(reply{body: okBody(sampleRoomList)}))
	c := f.client(t, func(c *Config) { c.Rates = map[string]float64{CmdGetRoomList: 0.01} })
	if _, _, err := c.GetRoomList(t.Context(), "", 20); err != nil {
		t.Fatal(err)
	}
	waited := make(chan time.Duration)
	f.clock.waited = waited
	bctx, bcancel := context.WithCancel(t.Context())
	bdone := make(chan error, 1)
	go func() {
		_, _, err := c.GetRoomList(Background(bctx), "", 20)
		bdone <- err
	}()
	select {
	case d := <-waited:
		if d < 50*time.Second {
			t.Fatalf("the background call waits %v, want about a slot (100 s)", d)
		}
	case err := <-bdone:
		t.Fatalf("the background call went at once (%v), want it to wait for a slot", err)
	}
	ictx, icancel := context.WithCancel(t.Context())
	idone := make(chan error, 1)
	go func() {
		_, _, err := c.GetRoomList(ictx, "", 20)
		idone <- err
	}()
	select {
	case d := <-waited:
		if d > 150*time.Second {
			t.Errorf("the interactive call waits %v behind the background one; want the next slot (about 100 s)", d)
		}
	case err := <-idone:
		t.Fatalf("the interactive call went at once (%v), want it to wait for the next slot", err)
	}
	icancel()
	bcancel()
	<-idone
	<-bdone
	if st := c.PaceStats(CmdGetRoomList); st.Background != 0 || st.Slots != 1 {
		t.Errorf("PaceStats %+v", st)
	}
}

// Background callers use at most half of a command's rate, also when
// instances share the quota.
func TestBackgroundShareOfTheRate(t *testing.T) {
	c := newFake(t, script(ok())).client(t, func(c *Config) { c.Rates = map[string]float64{CmdGetRoomList: 9} })
	p := c.pacerFor(CmdGetRoomList)
	if got := float64(p.bg.Limit()); got != 4.5 {
		t.Errorf("background rate %v, want 4.5", got)
	}
	c.Share(3)
	if got := float64(p.bg.Limit()); got != 1.5 {
		t.Errorf("background rate shared by 3: %v, want 1.5", got)
	}
}

// A command without a rate of its own (the fallback pacer) shares the
// app's quota among instances like every named command does, and gets it
// back when the instances are reduced to one.
func TestShareDividesTheFallbackRate(t *testing.T) {
	f := newFake(t, script(ok()))
	c := f.client(t, func(c *Config) { c.Rates = nil })
	const other = "get_room_member_list" // not one of the client's commands
	full := c.Rate(other)
	if full != defaultRate {
		t.Fatalf("fallback rate %v, want the default %v", full, float64(defaultRate))
	}
	c.Share(3)
	if got := c.Rate(other); got != full/3 {
		t.Errorf("fallback rate shared by 3: %v, want %v", got, full/3)
	}
	c.Share(1)
	if got := c.Rate(other); got != full {
		t.Errorf("fallback rate back to one instance: %v, want %v", got, full)
	}
}

// counts reads the window guard: requests in flight, answers in the last
// second.
func (p *pacer) counts() (inflight, ended int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inflight, len(p.ended)
}
