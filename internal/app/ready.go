package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/tencent"
)

// readyEvery is how long a Tencent readiness answer is reused. /readyz is
// anonymous and may be polled by anything that can reach it; each fresh
// answer is a signed get_room_info that spends the customer's per-app quota,
// which their own app backend shares. So at most one call per readyEvery,
// whatever the traffic.
const readyEvery = 10 * time.Second

// probeTimeout bounds one Tencent probe.
const probeTimeout = 3 * time.Second

// cachedProbe runs probe at most once per every, and never twice at once:
// callers arriving while it runs wait for its answer (single flight), and
// callers within every of the last answer get that answer.
type cachedProbe struct {
	every time.Duration
	now   func() time.Time
	probe func(context.Context) error

	mu      sync.Mutex
	have    bool
	at      time.Time
	err     error
	running chan struct{} // closed when the probe in progress finishes
}

func (p *cachedProbe) check(ctx context.Context) error {
	p.mu.Lock()
	for {
		if p.have && p.now().Sub(p.at) < p.every {
			err := p.err
			p.mu.Unlock()
			return err
		}
		if p.running == nil {
			break
		}
		ch := p.running
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		p.mu.Lock()
	}
	ch := make(chan struct{})
	p.running = ch
	p.mu.Unlock()

	// Detached from this request: a client hanging up must not hand its
	// cancellation to everyone waiting on the same probe.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), probeTimeout)
	err := p.probe(pctx)
	cancel()

	p.mu.Lock()
	p.have, p.at, p.err, p.running = true, p.now(), err, nil
	p.mu.Unlock()
	close(ch)
	return err
}

// probeTencent asks each app for a room that does not exist: "room not
// found" (or any answer from Tencent) means it is reachable and accepts
// that app's signature.
func (a *App) probeTencent(ctx context.Context) error {
	var errs []error
	for _, ap := range a.Apps.All() {
		_, _, err := ap.Tencent.GetRoomInfo(ctx, "roomdesk-readiness-probe")
		var apiErr *tencent.APIError
		if err != nil && !(errors.As(err, &apiErr) && apiErr.Code == tencent.CodeRoomNotFound) {
			errs = append(errs, fmt.Errorf("app %s: %w", ap.ID, err))
		}
	}
	return errors.Join(errs...)
}

// ready is /readyz's check: the database every time (a local ping), Tencent
// through the cache.
func (a *App) ready(ctx context.Context) map[string]error {
	return map[string]error{
		"database": a.DB.PingContext(ctx),
		"tencent":  a.tencentReady.check(ctx),
	}
}
