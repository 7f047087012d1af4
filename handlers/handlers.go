// Package handlers is roomdesk's HTTP layer: it binds requests, calls the
// services in internal/, and picks a view. It holds no business rules.
package handlers

import (
	"context"
	"log/slog"
	"time"

	"github.com/gorilla/sessions"

	"github.com/roomdesk/roomdesk/internal/activity"
	"github.com/roomdesk/roomdesk/internal/apitoken"
	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/apps"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/changeset"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/history"
	"github.com/roomdesk/roomdesk/internal/labels"
	"github.com/roomdesk/roomdesk/internal/metrics"
	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/schedule"
	"github.com/roomdesk/roomdesk/internal/sso"
)

// Deps is everything the handlers call into.
type Deps struct {
	Auth  *auth.Service
	Audit audit.Store
	Rooms *rooms.Service // the default app's
	// Apps are the Tencent apps served; nil means the single app of Rooms.
	Apps *apps.Registry
	Bulk *bulk.Service // bulk edits (issue 8)
	// Schedule is the default app's scheduled changes (issue 14); nil:
	// the room form offers no "apply later".
	Schedule *schedule.Service
	// Timezone is ROOMDESK_TIMEZONE: where users who chose no zone enter
	// times ("" is UTC).
	Timezone string
	// Approvals keeps the approval policies and change requests (issue
	// 15); nil: no change needs approval.
	Approvals *approval.Service
	// Catalogue is the searchable copy of every app's rooms (issue 13);
	// nil: /rooms pages Tencent's own list.
	Catalogue *catalogue.Store
	// History is each room's history and reverts (issue 14).
	History  *history.Service
	Labels   *labels.Store     // names of category and ActivityStatus codes (issue 13)
	Activity *activity.Service // the home page's summary of the audit log (issue 13)
	// Templates are the bulk form's saved change sets (issue 13); nil:
	// the bulk page offers none.
	Templates *changeset.Store
	Sessions  sessions.Store // cookie store; the session itself lives in the DB
	Metrics   *metrics.Metrics
	Logger    *slog.Logger
	Demo      bool
	// SSO is sign-in with the OpenID Connect provider; nil: not configured.
	SSO *sso.Service
	// LocalLogin is who may sign in with a local password.
	LocalLogin config.LocalLogin
	// RequireMFA is the effective second-factor policy (config.Config's
	// EffectiveMFA: demo mode exempt unless set explicitly).
	RequireMFA config.MFAPolicy
	// SecureCookie is config.Config.SecureCookie: whether cookies get the
	// Secure flag, given how the request arrived.
	SecureCookie func(tls, forwardedHTTPS, loopback bool) bool
	// Ready checks the database and Tencent for /readyz.
	Ready func(ctx context.Context) map[string]error
	Now   func() time.Time
	// Anchor reports the audit log's checkpoints for /audit; nil: none.
	Anchor interface {
		Status(ctx context.Context) audit.Status
	}
	// Notify is the webhooks (admin pages) and the log follower behind
	// /audit/stream; Tokens are the API tokens that stream accepts.
	Notify *notify.Service
	Tokens *apitoken.Service
}

// Handlers carries the dependencies into every handler method.
type Handlers struct {
	Deps
	denials *denialLog
}

// New returns the handlers for Deps.
func New(d Deps) *Handlers {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.SecureCookie == nil {
		d.SecureCookie = config.Config{}.SecureCookie // auto
	}
	return &Handlers{Deps: d, denials: &denialLog{}}
}
