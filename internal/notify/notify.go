// Package notify tells the team about changes where it already talks:
// outgoing webhooks (generic signed JSON, a WeCom group robot, a Slack
// incoming webhook) fed by the audit log.
//
// The audit log is the only source of events. A dispatcher follows it by
// seq (its cursor is in the database) and enqueues one delivery per
// matching webhook in webhook_deliveries; the unique (webhook, seq) index
// makes a dispatcher that runs twice over the same rows (a restart, two
// instances) enqueue each once. A deliverer sends each webhook's queue in
// order, retrying with exponential backoff: at least once, and a failing
// endpoint holds up only its own queue. On PostgreSQL each webhook's queue
// is leased to one instance at a time (see lease.go). Nothing here is on
// the path of an edit: an edit appends its audit rows and returns; what
// follows happens in the background. See docs/NOTIFY.md.
package notify

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// Source is what the dispatcher reads of the audit log (sqlstore.Store).
type Source interface {
	Since(ctx context.Context, after int64, limit int) ([]audit.Entry, error)
	Head(ctx context.Context) (int64, error)
	OpenIntents(ctx context.Context, before time.Time, limit int) ([]audit.Entry, error)
	Get(ctx context.Context, seq int64) (audit.Record, error)
}

// Options configure a Service. Zero values take the defaults.
type Options struct {
	Source Source
	Log    audit.Store // where webhook.create/update/delete are audited
	Logger *slog.Logger
	Now    func() time.Time
	// After is the deliverer's and dispatcher's timer (tests return a
	// channel they control, or nil to wait for Wake only).
	After func(time.Duration) <-chan time.Time
	// Poll is how often the log and the queues are looked at without a
	// Wake (appends by other instances). Default 2 s.
	Poll time.Duration
	// Timeout bounds one delivery attempt (connect, send, answer). Default 10 s.
	Timeout time.Duration
	// MaxAttempts before a delivery is given up as failed. Default 15
	// (backoff 10 s doubling to at most 1 h: about 10 hours in all).
	MaxAttempts int
	// StaleIntent is how long an update may stay without a result before
	// it is reported as outcome unknown. Default 5 min.
	StaleIntent time.Duration
	// AllowLoopback lets webhook URLs point at loopback addresses
	// (ROOMDESK_WEBHOOK_ALLOW_LOOPBACK; tests and local receivers).
	AllowLoopback bool
	// BaseURL is the console's address for links in messages ("" = none).
	BaseURL string
	// Transport overrides the outbound transport (tests); the address
	// guard is part of the default one.
	Transport http.RoundTripper
	// Attempted, if set, is told after each attempt is recorded (tests).
	Attempted func(Attempt)
}

// Attempt is one delivery attempt as recorded.
type Attempt struct {
	Webhook, Delivery int64
	OK                bool
	Code              int
}

// Service is the webhooks' store, dispatcher and deliverer.
type Service struct {
	db   *db.DB
	opts Options
	http *http.Client
	wake chan struct{}

	running  sync.WaitGroup // drains in flight
	mu       sync.Mutex
	inFlight map[int64]bool // webhooks being delivered by this instance
	cursor   int64          // dispatched up to here (the DB has it when it matters)
	changed  chan struct{}  // closed by Appended (see follow.go)
}

// New returns a Service on d.
func New(d *db.DB, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.After == nil {
		opts.After = time.After
	}
	if opts.Poll == 0 {
		opts.Poll = 2 * time.Second
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = 15
	}
	if opts.StaleIntent == 0 {
		opts.StaleIntent = 5 * time.Minute
	}
	s := &Service{db: d, opts: opts, wake: make(chan struct{}, 1), inFlight: map[int64]bool{}}
	s.http = s.newClient()
	return s
}

// Wake tells the background work to look now (called after every audit
// append, so a new event goes out without waiting for the next poll).
// It never blocks.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run dispatches and delivers until ctx ends, then waits for the
// deliveries in flight (their requests end with ctx; unrecorded attempts
// stay pending and are sent again by the next run: at least once).
func (s *Service) Run(ctx context.Context) {
	defer s.running.Wait()
	for ctx.Err() == nil {
		hooks, err := s.dispatch(ctx)
		if err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("notify: dispatch", "err", err)
		}
		var next time.Duration
		if hooks || err != nil { // deliveries go to enabled webhooks only
			if next, err = s.deliverDue(ctx); err != nil && ctx.Err() == nil {
				s.opts.Logger.Error("notify: deliver", "err", err)
			}
		}
		wait := s.opts.Poll
		if next > 0 && next < wait {
			wait = next
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-s.opts.After(wait):
		}
	}
}

func micros(t time.Time) int64 { return t.UnixMicro() }
