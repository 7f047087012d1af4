package tencent

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// PaceStats counts pacing decisions for one command since New. Tests and
// metrics use it to see pacing without timing anything.
type PaceStats struct {
	Slots   int64 // requests let through (every attempt takes one)
	Waited  int64 // of those, how many had to wait for their slot
	Refused int64 // callers whose context ended before a slot came
	// Background counts the slots background callers (see Background)
	// took, and Yielded how many times one of them stood aside for an
	// interactive caller.
	Background, Yielded int64
	// Held counts the waits for the window guard: a slot had come, but
	// too many requests might still be in Tencent's last second.
	Held int64
}

// backgroundShare is the part of a command's rate background callers may
// use at most, so interactive calls always find most of the budget free
// even while a sweep runs flat out.
const backgroundShare = 0.5

type backgroundKey struct{}

// Background marks ctx's calls as background work (the catalogue's sweep of
// get_room_list): they are sent only when no interactive call of the same
// command is waiting and a place in the window stays free for one, at most
// at half of the command's rate, and they never take an interactive
// call's slot, so an operator's page load is never queued behind them.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, backgroundKey{}, true)
}

func isBackground(ctx context.Context) bool {
	b, _ := ctx.Value(backgroundKey{}).(bool)
	return b
}

type pacer struct {
	lim  *rate.Limiter
	bg   *rate.Limiter // background callers' own pace, a share of lim's
	base rate.Limit    // the configured rate, before Share divides it

	slots, waited, refused, background, yielded, held atomic.Int64
	interactive                                       atomic.Int64 // interactive callers waiting for a slot now

	// The window guard: the requests that may have reached Tencent in the
	// last second. A request counts from its slot until one second after
	// its answer (or failure) came back: it reached Tencent at the latest
	// when the answer left, so one whose answer is older than a second is
	// surely outside any window Tencent counts a new request in. Keeping
	// fewer than cap such requests means no sliding second at Tencent ever
	// holds more than cap of ours, however late one arrived (a goroutine
	// waiting for a CPU, a slow network): the even spacing alone cannot
	// promise that, as a request delayed by more than the few slots of
	// margin lands in the next one's second.
	mu       sync.Mutex
	inflight int
	ended    []time.Time // answer times within the last second, oldest first
	freed    chan struct{}
}

// newPacer uses a burst of 1: requests are spaced evenly at 1/rate, so any
// one-second window holds at most rate+1 of them (197/s: 198 ≤ 200, 9/s:
// 10 ≤ 10). A larger burst would let a queue that drained for a moment
// send several requests back to back and push a window over the quota at
// the rates just below it that bulk edits need (see defaultRate).
func newPacer(r rate.Limit) *pacer {
	return &pacer{lim: rate.NewLimiter(r, 1), bg: rate.NewLimiter(r*backgroundShare, 1), base: r, freed: make(chan struct{})}
}

// windowCap is how many requests the window guard lets be in the last
// second: the most the even spacing puts in one (rate+1).
func (p *pacer) windowCap() int {
	l := p.lim.Limit()
	if l == rate.Inf {
		return math.MaxInt
	}
	return int(math.Floor(float64(l))) + 1
}

// wait blocks until the command may be sent, and returns the function to
// call when its answer (or failure) is back. Unlike rate.Limiter.Wait it
// counts what happened, and it gives up at once, without sleeping, when the
// slot lies beyond the caller's deadline.
func (p *pacer) wait(ctx context.Context, now func() time.Time, after func(time.Duration) <-chan time.Time) (func(), error) {
	if isBackground(ctx) {
		if err := p.waitBackground(ctx, now, after); err != nil {
			return nil, err
		}
		return func() { p.leave(now()) }, nil
	}
	p.interactive.Add(1) // until it is sent: background callers wait
	defer p.interactive.Add(-1)
	if err := p.slot(ctx, p.lim, now, after, true); err != nil {
		return nil, err
	}
	if p.lim.Limit() == rate.Inf {
		return func() {}, nil
	}
	if err := p.enter(ctx, now, after); err != nil {
		p.refused.Add(1)
		return nil, err
	}
	return func() { p.leave(now()) }, nil
}

// slot takes a slot of lim, waiting for it if need be.
func (p *pacer) slot(ctx context.Context, lim *rate.Limiter, now func() time.Time, after func(time.Duration) <-chan time.Time, count bool) error {
	res := lim.Reserve()
	d := res.Delay()
	if d == 0 {
		if count {
			p.slots.Add(1)
		}
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && dl.Sub(now()) < d {
		res.Cancel()
		p.refused.Add(1)
		return fmt.Errorf("pacing: next slot in %v is past the deadline: %w", d, context.DeadlineExceeded)
	}
	select {
	case <-after(d):
		if count {
			p.slots.Add(1)
			p.waited.Add(1)
		}
		return nil
	case <-ctx.Done():
		res.Cancel()
		p.refused.Add(1)
		return fmt.Errorf("pacing: %w", ctx.Err())
	}
}

// waitBackground paces a background caller at its own share of the rate
// and then sends it only when no interactive caller is waiting for a slot
// and the window guard keeps a place free for one after it (see pacer).
// It never takes the interactive callers' spacing (lim): an operator's call
// is never queued behind the sweep's, and the window guard, which counts
// both, keeps the two together within the quota.
func (p *pacer) waitBackground(ctx context.Context, now func() time.Time, after func(time.Duration) <-chan time.Time) error {
	if err := p.slot(ctx, p.bg, now, after, false); err != nil {
		return err
	}
	interval := time.Duration(0)
	if l := p.lim.Limit(); l != rate.Inf && l > 0 {
		interval = time.Duration(float64(time.Second) / float64(l))
	}
	for {
		ok, expiry, freed := p.enterBackground(now)
		if ok {
			p.slots.Add(1)
			p.background.Add(1)
			return nil
		}
		p.yielded.Add(1)
		select {
		case <-after(max(interval, expiry)):
		case <-freed:
		case <-ctx.Done():
			p.refused.Add(1)
			return fmt.Errorf("pacing: %w", ctx.Err())
		}
	}
}

// enterBackground counts a background request in if no interactive caller
// is waiting and a place stays free for one; otherwise it says when the
// oldest answer leaves the window.
func (p *pacer) enterBackground(now func() time.Time) (bool, time.Duration, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.trim(now)
	keep := 1 // places left for interactive callers
	if p.windowCap() < 2 {
		keep = 0
	}
	if p.interactive.Load() == 0 && p.inflight+len(p.ended)+keep < p.windowCap() {
		p.inflight++
		return true, 0, nil
	}
	var expiry time.Duration
	if len(p.ended) > 0 {
		expiry = p.ended[0].Add(time.Second).Sub(t)
	}
	return false, expiry, p.freed
}

// trim drops the answers older than a second; it returns now.
func (p *pacer) trim(now func() time.Time) time.Time {
	t := now()
	i := 0
	for i < len(p.ended) && t.Sub(p.ended[i]) >= time.Second {
		i++
	}
	p.ended = p.ended[i:]
	return t
}

// enter waits until fewer than windowCap requests may be in the last
// second (see pacer), and counts this one in.
func (p *pacer) enter(ctx context.Context, now func() time.Time, after func(time.Duration) <-chan time.Time) error {
	for {
		p.mu.Lock()
		t := p.trim(now)
		if p.inflight+len(p.ended) < p.windowCap() {
			p.inflight++
			p.mu.Unlock()
			return nil
		}
		p.held.Add(1)
		freed := p.freed
		var expire <-chan time.Time
		if len(p.ended) > 0 {
			expire = after(p.ended[0].Add(time.Second).Sub(t))
		}
		p.mu.Unlock()
		select {
		case <-freed:
		case <-expire:
		case <-ctx.Done():
			return fmt.Errorf("pacing: %w", ctx.Err())
		}
	}
}

// leave records that a request's answer (or failure) came back at t.
func (p *pacer) leave(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	p.ended = append(p.ended, t)
	close(p.freed)
	p.freed = make(chan struct{})
}

func (c *Client) pacerFor(command string) *pacer {
	if p, ok := c.pacers[command]; ok {
		return p
	}
	return c.fallback
}

// PaceStats reports pacing counters for a command.
func (c *Client) PaceStats(command string) PaceStats {
	p := c.pacerFor(command)
	return PaceStats{Slots: p.slots.Load(), Waited: p.waited.Load(), Refused: p.refused.Load(),
		Background: p.background.Load(), Yielded: p.yielded.Load(), Held: p.held.Load()}
}

// Share makes this client use 1/n of every command's configured rate: n
// roomdesk instances share one app's quota at Tencent. It may be called at
// any time; requests already waiting keep the slot they reserved.
func (c *Client) Share(n int) {
	if n < 1 {
		n = 1
	}
	for _, p := range append(mapsValues(c.pacers), c.fallback) {
		if p.base != rate.Inf {
			p.lim.SetLimit(p.base / rate.Limit(n))
			p.bg.SetLimit(p.base * backgroundShare / rate.Limit(n))
		}
	}
}

func mapsValues(m map[string]*pacer) []*pacer {
	out := make([]*pacer, 0, len(m)+1)
	for _, p := range m {
		out = append(out, p)
	}
	return out
}

// Rate is the requests per second the client currently allows a command.
func (c *Client) Rate(command string) float64 {
	return float64(c.pacerFor(command).lim.Limit())
}
