// Package auth holds roomdesk's users, roles, password hashing, server-side
// sessions and login throttling, all in the database so several instances
// share them. It knows nothing of HTTP: the handlers map its errors to
// responses and keep the session id in a cookie (see CookieKeyPairs).
package auth

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// Options tune a Service. Zero fields take the defaults given.
type Options struct {
	Now             func() time.Time // time.Now
	IdleTimeout     time.Duration    // 30m without a request ends a session
	AbsoluteTimeout time.Duration    // 8h after login a session ends regardless
	Throttle        Throttle
	Hash            HashParams // DefaultHashParams(); tests use tiny ones
	// MaxConcurrentHashes bounds parallel argon2 runs (memory);
	// DefaultMaxConcurrentHashes.
	MaxConcurrentHashes int
	Logger              *slog.Logger // slog.New(slog.DiscardHandler)
	// PasswordAllowed says whether a (normalised) username may sign in
	// with a local password (ROOMDESK_LOCAL_LOGIN); nil: everyone may.
	PasswordAllowed func(username string) bool
}

// Service is the auth use case on one database. It is safe for concurrent use.
type Service struct {
	db       *db.DB
	audit    audit.Store
	now      func() time.Time
	idle     time.Duration
	absolute time.Duration
	throttle Throttle
	hasher   *hasher
	log      *slog.Logger
	// passwordAllowed is Options.PasswordAllowed.
	passwordAllowed func(string) bool

	dummyOnce sync.Once
	dummy     string // hash compared against for unknown users
}

// NewService returns a Service storing users and sessions in d and recording
// every login and user change in a.
func NewService(d *db.DB, a audit.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 30 * time.Minute
	}
	if opts.AbsoluteTimeout <= 0 {
		opts.AbsoluteTimeout = 8 * time.Hour
	}
	if opts.Hash == (HashParams{}) {
		opts.Hash = DefaultHashParams()
	}
	if opts.MaxConcurrentHashes <= 0 {
		opts.MaxConcurrentHashes = DefaultMaxConcurrentHashes
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{
		db: d, audit: a, now: opts.Now,
		idle: opts.IdleTimeout, absolute: opts.AbsoluteTimeout,
		throttle:        opts.Throttle.withDefaults(),
		hasher:          &hasher{params: opts.Hash, slots: make(chan struct{}, opts.MaxConcurrentHashes)},
		log:             opts.Logger,
		passwordAllowed: opts.PasswordAllowed,
	}
}

// User is an account. The password hash never leaves the package.
type User struct {
	ID                int64
	Username          string
	Role              Role
	Disabled          bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
	PasswordChangedAt time.Time
	MFA               bool // a TOTP second factor is enrolled
	// Language is the user's chosen interface language (en, zh-CN, ja);
	// "" means none chosen: the browser's Accept-Language decides.
	Language string
	// Timezone is the user's IANA time zone ("" means the default).
	Timezone string
	// Source is SourceLocal (a password kept here) or SourceOIDC (signs
	// in with the identity provider, which also does its second factor).
	Source string
	// noAppRoles says the user had no per-app role when read with its
	// session, so RoleIn need not look (false: unknown, look).
	noAppRoles bool
}

// User sources.
const (
	SourceLocal = "local"
	SourceOIDC  = "oidc"
)

// FromProvider reports whether u signs in with the identity provider.
func (u User) FromProvider() bool { return u.Source == SourceOIDC }

// ActorFor is u acting through client (the request's IP and user agent).
func ActorFor(u User, client audit.Actor) audit.Actor {
	client.Name, client.Role = u.Username, string(u.Role)
	return client
}

// mayAdminister says whether actor holds the admin role.
func mayAdminister(actor audit.Actor) bool { return Role(actor.Role).Allows(RoleAdmin) }

// record appends an event row. It ignores the caller's cancellation: a
// client that hangs up must not be able to skip its audit row.
func (s *Service) record(ctx context.Context, e audit.Entry) error {
	e.Kind = audit.KindEvent
	// Attacker-supplied text is clipped, visibly, before it is stored.
	e.UserAgent = safetext.Clip(e.UserAgent, safetext.DefaultMax)
	e.Actor = safetext.Clip(e.Actor, safetext.DefaultMax)
	e.ClientIP = safetext.Clip(e.ClientIP, 64)
	if err := s.audit.Append(context.WithoutCancel(ctx), &e); err != nil {
		s.log.Error("auth: audit append failed", "action", e.Action, "actor", e.Actor, "err", err)
		return fmt.Errorf("auth: audit %s: %w", e.Action, err)
	}
	return nil
}

func (s *Service) recordChange(ctx context.Context, actor audit.Actor, action, detail string) error {
	e := audit.Entry{Action: action, Outcome: audit.OutcomeOK, Detail: detail}
	e.SetActor(actor)
	return s.record(ctx, e)
}

// clip cuts s to at most n bytes on a rune boundary, for attacker-supplied
// text (user agents, attempted usernames) stored in rows and logs.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// ToValidUTF8 drops a rune cut in half (and any other invalid bytes).
	return strings.ToValidUTF8(s[:n], "")
}

func us(t time.Time) int64          { return t.UnixMicro() }
func fromUS(v int64) time.Time      { return time.UnixMicro(v).UTC() }
func (s *Service) nowUS() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
