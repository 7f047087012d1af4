package tencent

import (
	"context"
	"fmt"
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
}

type pacer struct {
	lim                    *rate.Limiter
	base                   rate.Limit // the configured rate, before Share divides it
	slots, waited, refused atomic.Int64
}

// newPacer uses a burst of 1: requests are spaced evenly at 1/rate, so any
// one-second window holds at most rate+1 of them (197/s: 198 ≤ 200, 9/s:
// 10 ≤ 10). A larger burst would let a queue that drained for a moment
// send several requests back to back and push a window over the quota at
// the rates just below it that bulk edits need (see defaultRate).
func newPacer(r rate.Limit) *pacer {
	return &pacer{lim: rate.NewLimiter(r, 1), base: r}
}

// wait blocks until the command may be sent. Unlike rate.Limiter.Wait it
// counts what happened, and it gives up at once, without sleeping, when the
// slot lies beyond the caller's deadline.
func (p *pacer) wait(ctx context.Context, now func() time.Time, after func(time.Duration) <-chan time.Time) error {
	res := p.lim.Reserve()
	d := res.Delay()
	if d == 0 {
		p.slots.Add(1)
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && dl.Sub(now()) < d {
		res.Cancel()
		p.refused.Add(1)
		return fmt.Errorf("pacing: next slot in %v is past the deadline: %w", d, context.DeadlineExceeded)
	}
	select {
	case <-after(d):
		p.slots.Add(1)
		p.waited.Add(1)
		return nil
	case <-ctx.Done():
		res.Cancel()
		p.refused.Add(1)
		return fmt.Errorf("pacing: %w", ctx.Err())
	}
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
	return PaceStats{Slots: p.slots.Load(), Waited: p.waited.Load(), Refused: p.refused.Load()}
}

// Share makes this client use 1/n of every command's configured rate: n
// roomdesk instances share one app's quota at Tencent. It may be called at
// any time; requests already waiting keep the slot they reserved.
func (c *Client) Share(n int) {
	if n < 1 {
		n = 1
	}
	for _, p := range c.pacers {
		if p.base != rate.Inf {
			p.lim.SetLimit(p.base / rate.Limit(n))
		}
	}
	if c.fallback.base != rate.Inf {
		c.fallback.lim.SetLimit(c.fallback.base / rate.Limit(n))
	}
}

// Rate is the requests per second the client currently allows a command.
func (c *Client) Rate(command string) float64 {
	return float64(c.pacerFor(command).lim.Limit())
}
