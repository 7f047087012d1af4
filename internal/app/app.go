// Package app is roomdesk's composition root: from a config.Config it opens
// the database, builds every service and the HTTP handler, and in demo mode
// starts the built-in emulator. `roomdesk serve`, the handler tests and the
// end-to-end tests all assemble the product here, so they run the same thing.
package app

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/sessions"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/roomdesk/roomdesk/handlers"
	"github.com/roomdesk/roomdesk/internal/activity"
	"github.com/roomdesk/roomdesk/internal/apitoken"
	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/apps"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/changeset"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/history"
	"github.com/roomdesk/roomdesk/internal/labels"
	"github.com/roomdesk/roomdesk/internal/metrics"
	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/server"
	"github.com/roomdesk/roomdesk/internal/sso"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// App is an assembled roomdesk.
type App struct {
	Config  config.Config
	Logger  *slog.Logger
	DB      *db.DB
	Audit   audit.Store
	Auth    *auth.Service
	Apps    *apps.Registry
	Tencent *tencent.Client // the default app's (Apps.Default())
	Rooms   *rooms.Service  // the default app's
	Bulk    *bulk.Service
	// Approvals keeps the approval policies and change requests.
	Approvals *approval.Service
	SSO       *sso.Service     // nil unless ROOMDESK_OIDC_ISSUER is set
	History   *history.Service // rooms' history, changes made outside roomdesk, reverts
	// Catalogue is roomdesk's copy of every app's rooms (search), kept
	// by the rooms services' reads and a sweep per app (catalogue.go).
	Catalogue *catalogue.Store
	// Templates are the bulk form's saved change sets, per app.
	Templates *changeset.Store
	Metrics   *metrics.Metrics
	Handler   http.Handler
	Emulator  *emulator.Emulator // demo mode only: the first (default) app's
	// Emulators are demo mode's emulated apps, by app id.
	Emulators map[string]*emulator.Emulator
	// Checkpoints signs the audit log's checkpoints (see anchor.go).
	Checkpoints *audit.Checkpointer
	// MetricsHandler serves /metrics; `roomdesk serve` puts it on
	// ROOMDESK_METRICS_ADDR, never on the console's own listener.
	MetricsHandler http.Handler
	// EmulatorURL is where the in-process emulator listens (demo mode).
	EmulatorURL string
	// Notify is the webhooks and their deliverer; Tokens the API tokens
	// of /audit/stream (see notify.go).
	Notify *notify.Service
	Tokens *apitoken.Service

	stops        []func() // demo emulators and their rooms files, run in reverse
	stopBulk     func()
	stopSweeper  func()
	stopSchedule func()
	stopSync     func()
	syncers      map[string]*catalogue.Syncer
	stopAnchor   func()
	stopQuota    func()
	stopNotify   func()
	appended     *appendHook    // wakes the notifier after each audit append
	instanceID   string         // this instance's heartbeat row (PostgreSQL)
	instances    map[string]int // per app, the live instances sharing its quota at the last beat
	now          func() time.Time
	tencentReady *cachedProbe // /readyz's Tencent check, cached
}

// Options adjust assembly for tests.
type Options struct {
	Logger *slog.Logger
	// Tencent overrides client settings (attempt timeout, rates) in tests.
	Tencent func(*tencent.Config)
	// Auth overrides auth settings (fast password hashing) in tests.
	Auth func(*auth.Options)
	Now  func() time.Time
	// Notify adjusts the webhook deliverer (tests).
	Notify NotifyOptions
}

// New assembles roomdesk from cfg. Close releases what it opened.
func New(ctx context.Context, cfg config.Config, opts Options) (a *App, err error) {
	a = &App{Config: cfg, Logger: opts.Logger, Metrics: metrics.New(), now: opts.Now, Emulators: map[string]*emulator.Emulator{},
		appended: &appendHook{}}
	if a.now == nil {
		a.now = time.Now
	}
	if a.Logger == nil {
		a.Logger = slog.Default()
	}
	// `return nil, err` sets a to nil before deferred calls run, so the
	// clean-up holds its own reference.
	built := a
	defer func() {
		if err != nil {
			built.Close()
		}
	}()
	if a.DB, err = db.Open(ctx, db.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir}); err != nil {
		return nil, err
	}
	logStore := sqlstore.New(a.DB)
	a.Audit = countingStore{Store: logStore, with: logStore, m: a.Metrics, appended: a.appended}
	if err = a.startCheckpoints(ctx, logStore); err != nil {
		return nil, err
	}
	aopts := auth.Options{Logger: a.Logger, Now: opts.Now}
	if cfg.LocalLogin.Mode != config.LocalLoginOn {
		aopts.PasswordAllowed = cfg.LocalLogin.Allows
	}
	if opts.Auth != nil {
		opts.Auth(&aopts)
	}
	a.Auth = auth.NewService(a.DB, a.Audit, aopts)
	a.startNotify(logStore, opts)

	appList, err := a.appList(cfg)
	if err != nil {
		return nil, err
	}
	hopts := history.Options{Log: a.Audit, Tx: logStore, Now: opts.Now, Logger: a.Logger}
	if len(appList) > 0 {
		hopts.DefaultApp = appList[0].ID
	}
	a.History = history.New(a.DB, hopts)
	a.Catalogue = catalogue.New(a.DB, catalogue.Options{Now: opts.Now, Logger: a.Logger})
	if a.Apps, err = apps.New(appList, apps.Options{
		Audit: a.Audit, Logger: a.Logger, Now: opts.Now, Observe: a.Metrics.ObserveTencent,
		Observers: a.roomObservers(),
		Tencent: func(_ config.App, tc *tencent.Config) {
			if opts.Tencent != nil {
				opts.Tencent(tc)
			}
		},
	}); err != nil {
		return nil, err
	}
	a.Tencent, a.Rooms = a.Apps.Default().Tencent, a.Apps.Default().Rooms
	a.tencentReady = &cachedProbe{every: readyEvery, now: a.now, probe: a.probeTencent}
	// Each app runs its own bulk jobs with its own rooms service, so its
	// own client and pace; the default app also owns jobs from before apps.
	for _, ap := range a.Apps.All() {
		ap.Bulk = bulk.New(a.DB, ap.Rooms, bulk.Options{Logger: a.Logger, Now: opts.Now, Rate: ap.Rate, Log: a.Audit,
			App: ap.ID, DefaultApp: ap == a.Apps.Default()})
	}
	a.Bulk = a.Apps.Default().Bulk
	a.Templates = changeset.New(a.DB, a.Audit, opts.Now)
	a.startScheduleRunner(opts.Now)
	a.shareQuota()
	a.startBulkRunner()
	a.startApprovals(opts.Now)
	a.startCatalogueSync()

	keys := cfg.SessionKeys
	if len(keys) == 0 {
		if keys, err = config.LoadOrCreateSessionKeys(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	store, err := cookieStore(keys)
	if err != nil {
		return nil, err
	}
	if cfg.OIDC.Enabled() {
		if a.SSO, err = sso.New(sso.Options{Config: cfg.OIDC, Apps: AppIDs(cfg), DB: a.DB, Auth: a.Auth, Audit: a.Audit,
			Now: opts.Now, Logger: a.Logger}); err != nil {
			return nil, err
		}
	}
	h := handlers.New(handlers.Deps{
		SSO: a.SSO, LocalLogin: cfg.LocalLogin,
		Auth: a.Auth, Audit: a.Audit, Rooms: a.Rooms, Bulk: a.Bulk, Apps: a.Apps, Approvals: a.Approvals, History: a.History, Catalogue: a.Catalogue,
		Labels: labels.New(a.DB, a.Audit, opts.Now), Activity: activity.New(a.DB), Templates: a.Templates,
		Schedule: a.Apps.Default().Schedule, Timezone: cfg.Timezone,
		Sessions: store, Metrics: a.Metrics, Logger: a.Logger,
		Demo: cfg.Demo(), SecureCookie: cfg.SecureCookie, RequireMFA: cfg.EffectiveMFA(),
		Ready: a.ready, Now: opts.Now, Anchor: a.Checkpoints, Notify: a.Notify, Tokens: a.Tokens,
	})
	a.Handler = server.New(h, server.Options{TrustedProxies: cfg.TrustedProxies})
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.Metrics.Registry, promhttp.HandlerOpts{}))
	a.MetricsHandler = mux
	return a, nil
}

// startBulkRunner runs bulk jobs in the background until Close; jobs left
// queued or running by an earlier process are resumed.
func (a *App) startBulkRunner() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, ap := range a.Apps.All() {
		wg.Add(1)
		go func() { defer wg.Done(); ap.Bulk.Run(ctx) }()
	}
	go func() { defer close(done); wg.Wait() }()
	a.stopBulk = func() { cancel(); <-done }
}

// Close stops the bulk runner (in-flight items finish, the rest wait for
// the next start) and the demo emulator, and closes the database.
func (a *App) Close() error {
	if a.stopSweeper != nil {
		a.stopSweeper()
		a.stopSweeper = nil
	}
	if a.stopSync != nil {
		a.stopSync()
		a.stopSync = nil
	}
	if a.stopBulk != nil {
		a.stopBulk()
		a.stopBulk = nil
	}
	if a.stopSchedule != nil {
		a.stopSchedule()
		a.stopSchedule = nil
	}
	if a.stopAnchor != nil {
		a.stopAnchor()
		a.stopAnchor = nil
	}
	if a.stopQuota != nil {
		a.stopQuota()
		a.stopQuota = nil
	}
	if a.stopNotify != nil {
		a.stopNotify()
		a.stopNotify = nil
	}
	for i := len(a.stops) - 1; i >= 0; i-- {
		a.stops[i]()
	}
	a.stops = nil
	if a.Catalogue != nil {
		a.Catalogue.Flush() // rooms seen last, before the database closes
	}
	if a.DB != nil {
		return a.DB.Close()
	}
	return nil
}

// cookieStore signs and encrypts the session cookie, which only carries the
// server-side session id. Keys are newest first; older ones still decode
// cookies during a rotation.
func cookieStore(keys [][]byte) (*sessions.CookieStore, error) {
	codecs, err := auth.NewCookieCodecs(keys, 8*time.Hour)
	if err != nil {
		return nil, err
	}
	s := &sessions.CookieStore{Codecs: codecs, Options: &sessions.Options{Path: "/", MaxAge: int((8 * time.Hour).Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode}}
	return s, nil
}

// countingStore counts audit appends for /metrics, and tells the
// notifier about each (the webhooks and /audit/stream follow the log).
type countingStore struct {
	audit.Store
	with     rooms.AppendWither // the same store, appending with the caller's writes
	m        *metrics.Metrics
	appended *appendHook
}

// appendHook is set once the notifier exists (it audits through the
// store it is woken by).
type appendHook struct {
	mu sync.Mutex
	f  func()
}

func (h *appendHook) set(f func()) { h.mu.Lock(); h.f = f; h.mu.Unlock() }

func (h *appendHook) call() {
	if h == nil {
		return
	}
	h.mu.Lock()
	f := h.f
	h.mu.Unlock()
	if f != nil {
		f()
	}
}

func (s countingStore) Append(ctx context.Context, e *audit.Entry) error {
	err := s.Store.Append(ctx, e)
	s.counted(e, err)
	return err
}

// AppendWith is the store's AppendWith (rooms.AppendWither), counted as
// Append is.
func (s countingStore) AppendWith(ctx context.Context, e *audit.Entry, with func(context.Context, *sql.Tx) error) (withErr, err error) {
	withErr, err = s.with.AppendWith(ctx, e, with)
	s.counted(e, err)
	return withErr, err
}

func (s countingStore) counted(e *audit.Entry, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	s.m.AuditWrites.WithLabelValues(string(e.Kind), result).Inc()
	if err == nil {
		s.appended.call()
	}
}
