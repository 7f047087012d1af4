package app

import (
	"context"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/schedule"
)

// startScheduleRunner gives every app its scheduled changes (run through
// that app's rooms service, so its client and pace) and runs them in the
// background until Close; steps left running by an earlier process are
// re-read and finished. The default app also owns the changes stored without an app.
func (a *App) startScheduleRunner(now func() time.Time) {
	for _, ap := range a.Apps.All() {
		ap.Schedule = schedule.New(a.DB, ap.Rooms, schedule.Options{Log: a.Audit, Logger: a.Logger, Now: now,
			App: ap.ID, DefaultApp: ap == a.Apps.Default()})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, ap := range a.Apps.All() {
		wg.Add(1)
		go func() { defer wg.Done(); ap.Schedule.Run(ctx) }()
	}
	a.stopSchedule = func() { cancel(); wg.Wait() }
}
