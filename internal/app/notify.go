package app

import (
	"context"

	"github.com/roomdesk/roomdesk/internal/apitoken"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/notify"
)

// NotifyOptions adjust the webhook deliverer in tests (a fake clock, an
// attempt hook); nil leaves the defaults.
type NotifyOptions func(*notify.Options)

// startNotify builds the webhooks and the API tokens, and runs the
// dispatcher and deliverer in the background until Close. Every audit
// append wakes them (appended), so a new event goes out at once.
func (a *App) startNotify(logStore *sqlstore.Store, opts Options) {
	nopts := notify.Options{Source: logStore, Log: a.Audit, Logger: a.Logger, Now: opts.Now,
		AllowLoopback: a.Config.WebhookAllowLoopback}
	if opts.Notify != nil {
		opts.Notify(&nopts)
	}
	a.Notify = notify.New(a.DB, nopts)
	a.appended.set(a.Notify.Appended)
	a.Tokens = apitoken.New(a.DB, a.Audit, a.Auth, opts.Now, a.Logger)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Notify.Run(ctx) }()
	a.stopNotify = func() { cancel(); <-done }
}
