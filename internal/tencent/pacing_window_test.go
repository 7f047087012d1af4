package tencent

import (
	"context"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// These tests drive one pacer directly, on a clock that moves only when
// the test says so. A waiting caller announces each wait on a channel
// (waitLog) and goes on only when the test fires it, so the tests see
// every decision the window guard makes, in order, without timing.

// manualClock is a now() the test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newManualClock() *manualClock { return &manualClock{t: time.Unix(1_800_000_000, 0)} }

func (c *manualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// immediately is an after() whose waits end at once: the callers set up
// before the one a test watches.
func immediately(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

// waitLog is an after() that reports each wait and ends it when fire is
// called.
type waitLog struct {
	asked chan time.Duration
	fire  chan time.Time
}

func newWaitLog() *waitLog {
	return &waitLog{asked: make(chan time.Duration), fire: make(chan time.Time, 1)}
}

func (w *waitLog) after(d time.Duration) <-chan time.Time {
	w.asked <- d
	return w.fire
}

// waitResult is what a watched pacer.wait returned.
type waitResult struct {
	done func()
	err  error
}

// watch runs p.wait in the background with the clock and the wait log.
func watch(ctx context.Context, p *pacer, clk *manualClock, w *waitLog) <-chan waitResult {
	out := make(chan waitResult, 1)
	go func() {
		done, err := p.wait(ctx, clk.now, w.after)
		out <- waitResult{done, err}
	}()
	return out
}

// admit lets a caller through at once; it fails the test if the pacer
// makes it wait.
func admit(t *testing.T, ctx context.Context, p *pacer, clk *manualClock) func() {
	t.Helper()
	done, err := p.wait(ctx, clk.now, immediately)
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	return done
}

// expectWait says the watched caller waits d (and not that it was let
// through).
func expectWait(t *testing.T, w *waitLog, res <-chan waitResult, want time.Duration, why string) {
	t.Helper()
	select {
	case d := <-w.asked:
		if d != want {
			t.Fatalf("%s: waits %v, want %v", why, d, want)
		}
	case r := <-res:
		t.Fatalf("%s: let through (err %v), want a wait of %v", why, r.err, want)
	}
}

// expectThrough says the watched caller is let through without waiting.
func expectThrough(t *testing.T, w *waitLog, res <-chan waitResult, why string) func() {
	t.Helper()
	select {
	case d := <-w.asked:
		t.Fatalf("%s: waits %v, want it let through", why, d)
	case r := <-res:
		if r.err != nil {
			t.Fatalf("%s: %v", why, r.err)
		}
		return r.done
	}
	return nil
}

// unspaced takes the even spacing out of p's limiters (a burst of 100 at
// the same rates), so the window guard alone decides.
func unspaced(r rate.Limit) *pacer {
	p := newPacer(r)
	p.lim = rate.NewLimiter(r, 100)
	p.bg = rate.NewLimiter(r*backgroundShare, 100)
	return p
}

// At 4/s the window holds 5. A background call keeps one place free for
// an operator: with 4 in flight it waits (the interval, 250 ms, as no
// answer is in the window yet); after one answer it still waits, now for
// that answer to be a second old (1 s); at exactly a second the answer has
// left the window and the call goes.
func TestBackgroundKeepsAPlaceInTheWindow(t *testing.T) {
	ctx := t.Context()
	clk, w := newManualClock(), newWaitLog()
	p := unspaced(4)
	var dones []func()
	for range 4 {
		dones = append(dones, admit(t, ctx, p, clk))
	}
	res := watch(Background(ctx), p, clk, w)
	expectWait(t, w, res, 250*time.Millisecond, "4 of 5 in flight")
	dones[0]() // answered now: in the window for one more second
	expectWait(t, w, res, time.Second, "3 in flight, 1 answered just now")
	clk.advance(time.Second)
	w.fire <- clk.now()
	done := expectThrough(t, w, res, "3 in flight, the answer a second old")
	done()
	for _, d := range dones[1:] {
		d()
	}
	st := PaceStats{Slots: p.slots.Load(), Background: p.background.Load(), Yielded: p.yielded.Load()}
	if st != (PaceStats{Slots: 5, Background: 1, Yielded: 2}) {
		t.Errorf("PaceStats %+v, want 5 slots, 1 background, 2 yields", st)
	}
	// The first answer left the window when the background call went.
	if p.inflight != 0 || len(p.ended) != 4 {
		t.Errorf("after every answer: %d in flight, %d answers in the window; want 0 and 4", p.inflight, len(p.ended))
	}
}

// The place kept free for an operator is kept at the smallest window that
// has two (1/s), and not at a window of one (below 1/s), where keeping it
// would stop background calls for good.
func TestBackgroundKeepsAPlaceOnlyWhenTheWindowHasTwo(t *testing.T) {
	ctx := t.Context()
	clk := newManualClock()

	one := unspaced(0.5) // window of one
	w := newWaitLog()
	done := expectThrough(t, w, watch(Background(ctx), one, clk, w), "a window of one, idle")
	done()

	two := unspaced(1) // window of two
	w = newWaitLog()
	done = expectThrough(t, w, watch(Background(ctx), two, clk, w), "a window of two, idle")
	done()
	clk.advance(time.Second) // the answer leaves the window
	inter := admit(t, ctx, two, clk)
	w = newWaitLog()
	res := watch(Background(ctx), two, clk, w)
	expectWait(t, w, res, time.Second, "a window of two, one in flight")
	inter()
	// The answer is in the window for a second: still one place in use.
	expectWait(t, w, res, time.Second, "a window of two, one answered just now")
}

// A background call waits while an interactive one waits for its slot,
// and goes once that caller has given up: the count of waiting
// interactive callers goes down again when one leaves.
func TestBackgroundWaitsForAWaitingInteractiveCall(t *testing.T) {
	clk := newManualClock()
	p := newPacer(0.01) // a slot per 100 s
	admit(t, t.Context(), p, clk)()
	clk.advance(time.Second) // the answer leaves the window

	ictx, icancel := context.WithCancel(t.Context())
	iw := newWaitLog()
	ires := watch(ictx, p, clk, iw)
	select {
	case d := <-iw.asked:
		if d < 50*time.Second {
			t.Fatalf("the interactive call waits %v, want about a slot (100 s)", d)
		}
	case r := <-ires:
		t.Fatalf("the interactive call went at once (%v), want a wait for its slot", r.err)
	}

	bw := newWaitLog()
	bres := watch(Background(t.Context()), p, clk, bw)
	expectWait(t, bw, bres, 100*time.Second, "an interactive call is waiting")
	icancel()
	if r := <-ires; r.err == nil {
		t.Fatal("the cancelled interactive call was let through")
	}
	bw.fire <- clk.now()
	done := expectThrough(t, bw, bres, "the interactive call gave up")
	done()
	if y := p.yielded.Load(); y != 1 {
		t.Errorf("yielded %d times, want 1", y)
	}
}

// An interactive call is held while the window is full, counting answers
// until they are a second old: with 5 of 5 in the window (4 in flight and
// one answered just now) it waits for that answer to age, then goes.
func TestInteractiveHeldUntilTheAnswerAges(t *testing.T) {
	ctx := t.Context()
	clk, w := newManualClock(), newWaitLog()
	p := unspaced(4)
	var dones []func()
	for range 5 {
		dones = append(dones, admit(t, ctx, p, clk))
	}
	dones[0]()
	clk.advance(999 * time.Millisecond)
	res := watch(ctx, p, clk, w)
	expectWait(t, w, res, time.Millisecond, "4 in flight, 1 answered 999 ms ago")
	clk.advance(time.Millisecond)
	w.fire <- clk.now()
	done := expectThrough(t, w, res, "4 in flight, the answer a second old")
	done()
	for _, d := range dones[1:] {
		d()
	}
	if h := p.held.Load(); h != 1 {
		t.Errorf("held %d times, want 1", h)
	}
}

// Without pacing (rate.Inf) background calls go at once, however many are
// in flight.
func TestBackgroundUnpaced(t *testing.T) {
	ctx := t.Context()
	clk := newManualClock()
	p := newPacer(rate.Inf)
	var dones []func()
	for range 50 {
		w := newWaitLog()
		dones = append(dones, expectThrough(t, w, watch(Background(ctx), p, clk, w), "unpaced"))
	}
	for _, d := range dones {
		d()
	}
}
