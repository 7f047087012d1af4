// Package apps is the registry of the Tencent apps (SDKAppIDs) one console
// serves. Each app has its own client, so its own UserSig cache, its own
// pacing (Tencent's quota is per app) and its own metrics label, and its
// own rooms service. Everything that touches rooms asks the registry for
// the app first.
package apps

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/schedule"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// App is one configured app and what serves it.
type App struct {
	config.App
	Tencent *tencent.Client
	Rooms   *rooms.Service
	Bulk    *bulk.Service // set by the composition root, which runs it
	// Schedule is the app's scheduled changes; set and run by the
	// composition root like Bulk.
	Schedule *schedule.Service
}

// BandColor is the colour the console shows the app in: production apps all
// wear the production colour, whatever the file says.
func (a *App) BandColor() string {
	if a.Production {
		return config.ProductionColor
	}
	return a.App.Color
}

// Options are what every app's services share.
type Options struct {
	Audit  audit.Store
	Logger *slog.Logger
	Now    func() time.Time
	// Observe returns the metrics hook for an app's client (optional).
	Observe func(appID string) func(command string, code int, d time.Duration)
	// Tencent adjusts an app's client settings (demo endpoints, tests).
	Tencent func(app config.App, c *tencent.Config)
	// Observers are told every room state each app's rooms service reads
	// or sets (rooms.Options.Observers).
	Observers []rooms.Observer
}

// Registry holds the apps in configuration order; the first is the default.
type Registry struct {
	list []*App
	byID map[string]*App
}

// New builds a client and a rooms service for every app.
func New(list []config.App, opts Options) (*Registry, error) {
	if len(list) == 0 {
		return nil, fmt.Errorf("apps: no app configured")
	}
	r := &Registry{byID: map[string]*App{}}
	for _, ca := range list {
		if _, dup := r.byID[ca.ID]; dup {
			return nil, fmt.Errorf("apps: app %q configured twice", ca.ID)
		}
		tc := tencent.Config{
			SDKAppID: ca.SDKAppID, SecretKey: ca.SecretKey, AdminIdentifier: ca.Admin,
			Region: ca.Region, Endpoint: ca.Endpoint,
		}
		if opts.Observe != nil {
			tc.Observe = opts.Observe(ca.ID)
		}
		if ca.Rate > 0 {
			tc.Rates = map[string]float64{tencent.CmdGetRoomInfo: ca.Rate, tencent.CmdUpdateRoomInfo: ca.Rate}
		}
		if opts.Tencent != nil {
			opts.Tencent(ca, &tc)
		}
		client, err := tencent.New(tc)
		if err != nil {
			return nil, fmt.Errorf("apps: app %q: tencent: %w", ca.ID, err)
		}
		a := &App{App: ca, Tencent: client}
		a.Rooms = rooms.NewService(client, opts.Audit, rooms.Options{Logger: opts.Logger, Now: opts.Now, App: ca.ID,
			Observers: opts.Observers})
		r.list = append(r.list, a)
		r.byID[ca.ID] = a
	}
	return r, nil
}

// Get finds an app by id.
func (r *Registry) Get(id string) (*App, bool) {
	a, ok := r.byID[id]
	return a, ok
}

// All is every app in configuration order.
func (r *Registry) All() []*App { return r.list }

// Default is the first configured app: old single-app URLs lead to it.
func (r *Registry) Default() *App { return r.list[0] }

// Share divides the pace of every app whose rate is not fixed by the
// number of live instances serving that app (see internal/app/quota.go).
// Each app has its own quota at Tencent and instances may load different
// apps files, so each app is divided by its own count; an app missing from
// instances counts this instance alone.
func (r *Registry) Share(instances map[string]int) {
	for _, a := range r.list {
		if a.Rate == 0 {
			a.Tencent.Share(instances[a.ID])
		}
	}
}

// SharedIDs are the ids of the apps whose pace is divided among instances
// (no fixed rate), in configuration order.
func (r *Registry) SharedIDs() []string {
	var out []string
	for _, a := range r.list {
		if a.Rate == 0 {
			out = append(out, a.ID)
		}
	}
	return out
}

// Shared reports whether any app's pace is divided among instances.
func (r *Registry) Shared() bool {
	for _, a := range r.list {
		if a.Rate == 0 {
			return true
		}
	}
	return false
}
