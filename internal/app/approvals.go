package app

import (
	"context"
	"time"

	"github.com/roomdesk/roomdesk/internal/approval"
)

// sweepEvery is how often expired change requests are marked expired (a
// decision checks expiry itself, so this only tidies the list and audits
// the expiry of requests nobody tried to decide).
const sweepEvery = time.Minute

// startApprovals builds the approval service over every app's edit and
// bulk use cases, and runs its expiry sweeper until Close. On several
// instances each sweeper expires a request at most once between them
// (one conditional UPDATE), so no lease is needed.
func (a *App) startApprovals(now func() time.Time) {
	a.Approvals = approval.New(a.DB, a.Audit, approval.Options{Now: now, Logger: a.Logger,
		Rooms: func(id string) (approval.Updater, bool) {
			ap, ok := a.Apps.Get(id)
			if !ok {
				return nil, false
			}
			return ap.Rooms, true
		},
		Jobs: func(id string) (approval.JobCreator, bool) {
			ap, ok := a.Apps.Get(id)
			if !ok || ap.Bulk == nil {
				return nil, false
			}
			return ap.Bulk, true
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Approvals.RunSweeper(ctx, sweepEvery) }()
	a.stopSweeper = func() { cancel(); <-done }
}
