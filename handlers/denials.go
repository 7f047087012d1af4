package handlers

import (
	"fmt"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// denialWindow is how long identical refusals are folded into one entry.
const denialWindow = time.Minute

// denialLog folds repeated identical refusals (one user, one method, one
// route) within denialWindow into the first one's entry plus, when the
// window closes, one entry with the count. Every refusal is still audited,
// but a viewer who loops on a forbidden URL cannot grow the append-only
// log by a row per request. In memory per instance: a restart loses at most
// a minute's counts, and each instance reports its own.
type denialLog struct {
	mu   sync.Mutex
	open map[string]*denialRun
}

type denialRun struct {
	first    time.Time
	repeats  int
	template audit.Entry // the first refusal, for the summary's fields
}

// admit reports whether the refusal keyed key at now gets an entry of its
// own, and returns summaries of runs whose window has closed, to append.
func (d *denialLog) admit(key string, e audit.Entry, now time.Time) (own bool, due []audit.Entry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	due = d.sweepLocked(now)
	if run, ok := d.open[key]; ok {
		run.repeats++
		return false, due
	}
	if d.open == nil {
		d.open = map[string]*denialRun{}
	}
	d.open[key] = &denialRun{first: now, template: e}
	return true, due
}

// sweep returns the summaries of closed runs.
func (d *denialLog) sweep(now time.Time) []audit.Entry {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sweepLocked(now)
}

func (d *denialLog) sweepLocked(now time.Time) []audit.Entry {
	var due []audit.Entry
	for k, run := range d.open {
		if now.Sub(run.first) < denialWindow {
			continue
		}
		delete(d.open, k)
		if run.repeats == 0 {
			continue
		}
		e := run.template
		e.Detail = safetext.Clip(fmt.Sprintf("%d more identical refusals in the minute from %s: %s",
			run.repeats, run.first.UTC().Format(time.RFC3339), e.Detail), 2*safetext.DefaultMax)
		due = append(due, e)
	}
	return due
}

// deny audits a refusal through the denial log.
func (h *Handlers) deny(c echo.Context, e audit.Entry) {
	e = eventFor(c, e)
	key := e.Actor + "\x00" + c.Request().Method + "\x00" + c.Path() + "\x00" + e.App
	own, due := h.denials.admit(key, e, h.Now())
	for _, s := range due {
		h.append(c, s)
	}
	if own {
		h.append(c, e)
	}
}

// flushDenials appends the summaries of closed runs; run on every request
// so a count is written soon after its minute ends even if the refusals
// stopped.
func (h *Handlers) flushDenials(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, s := range h.denials.sweep(h.Now()) {
			h.append(c, s)
		}
		return next(c)
	}
}
