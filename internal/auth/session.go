package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// SessionInfo describes a live session.
type SessionInfo struct {
	CreatedAt    time.Time
	LastSeen     time.Time // as last written; writes are at most once a minute
	ExpiresAt    time.Time // absolute end, AbsoluteTimeout after login
	IdleDeadline time.Time // LastSeen + IdleTimeout
	IP           string    // at login
	UserAgent    string    // at login
	// Stage is what the session may do: StageFull, or StageMFA / StageEnrol
	// while a second factor is still due.
	Stage string
}

// Session stages.
const (
	StageFull  = "full"
	StageMFA   = "mfa"   // password checked; the second factor is due
	StageEnrol = "enrol" // the policy requires a second factor the user has not set up
)

// touchEvery is how stale last_seen may get before a request rewrites it: it
// spares one write per request at the cost of the idle timeout firing up to
// a minute early.
const touchEvery = time.Minute

const sessionIDBytes = 32

// hashID is what the database stores: with only hashes there, a leaked
// dump or backup hands out no usable session.
func hashID(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a session for u, who has just authenticated, and
// returns its id (32 random bytes, base64url) for the cookie. The id is never
// stored or logged.
func (s *Service) CreateSession(ctx context.Context, u User, client audit.Actor) (string, error) {
	return s.CreateSessionStage(ctx, u, client, StageFull)
}

// CreateSessionStage is CreateSession for a session that may do only what
// stage allows (see the Stage constants).
func (s *Service) CreateSessionStage(ctx context.Context, u User, client audit.Actor, stage string) (string, error) {
	return s.createSession(ctx, u, client, stage, time.Time{})
}

// CreateSessionUntil is CreateSession for a user who signed in with the
// identity provider: the session ends at until (the ID token's expiry)
// when that comes before the absolute timeout, so it never outlives the
// provider's word.
func (s *Service) CreateSessionUntil(ctx context.Context, u User, client audit.Actor, until time.Time) (string, error) {
	return s.createSession(ctx, u, client, StageFull, until)
}

func (s *Service) createSession(ctx context.Context, u User, client audit.Actor, stage string, until time.Time) (string, error) {
	b := make([]byte, sessionIDBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: session id: %w", err)
	}
	raw := base64.RawURLEncoding.EncodeToString(b)
	now := s.nowUS()
	expires := now.Add(s.absolute)
	if !until.IsZero() && until.Before(expires) {
		expires = until.UTC().Truncate(time.Microsecond)
	}
	// Opportunistic cleanup, here rather than in a background job: logins
	// are rare enough to be cheap and frequent enough to keep the table small.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at_us <= $1`, us(now)); err != nil {
		return "", fmt.Errorf("auth: prune sessions: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO sessions
		(id_hash, user_id, created_at_us, last_seen_us, expires_at_us, ip, user_agent, stage)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`,
		hashID(raw), u.ID, us(now), us(expires), clip(client.IP, 64), clip(client.UserAgent, 512), stage); err != nil {
		return "", fmt.Errorf("auth: create session: %w", err)
	}
	if stage == StageFull { // a completed sign-in, for the users page
		if _, err := s.db.ExecContext(ctx, `UPDATE users SET last_login_us = $1 WHERE id = $2`, us(now), u.ID); err != nil {
			return "", fmt.Errorf("auth: last sign-in: %w", err)
		}
	}
	return raw, nil
}

// Session returns the user behind a session id from a cookie, or an error
// wrapping ErrNoSession if the session is unknown, revoked, past its
// absolute or idle timeout, or if its user is disabled or has changed
// password since it began. A valid session's last_seen is refreshed.
func (s *Service) Session(ctx context.Context, rawID string) (User, SessionInfo, error) {
	if len(rawID) != base64.RawURLEncoding.EncodedLen(sessionIDBytes) {
		return User{}, SessionInfo{}, fmt.Errorf("%w: malformed id", ErrNoSession)
	}
	id := hashID(rawID)
	var info SessionInfo
	var created, lastSeen, expires int64
	var revoked sql.NullInt64
	var appRoles int64
	u, err := scanUser(s.db.QueryRowContext(ctx, sessionQuery, id),
		&created, &lastSeen, &expires, &revoked, &info.IP, &info.UserAgent, &info.Stage, &appRoles)
	if errors.Is(err, ErrNotFound) {
		return User{}, SessionInfo{}, fmt.Errorf("%w: unknown id", ErrNoSession)
	}
	if err != nil {
		return User{}, SessionInfo{}, err
	}
	u.noAppRoles = appRoles == 0
	info.CreatedAt, info.LastSeen, info.ExpiresAt = fromUS(created), fromUS(lastSeen), fromUS(expires)
	info.IdleDeadline = info.LastSeen.Add(s.idle)
	now := s.nowUS()
	switch {
	case revoked.Valid:
		err = fmt.Errorf("%w: ended", ErrNoSession)
	case !now.Before(info.ExpiresAt):
		err = fmt.Errorf("%w: expired", ErrNoSession)
	case now.After(info.IdleDeadline):
		err = fmt.Errorf("%w: idle", ErrNoSession)
	case u.Disabled:
		err = fmt.Errorf("%w: user disabled", ErrNoSession)
	case u.PasswordChangedAt.After(info.CreatedAt):
		// SetPassword revokes sessions already; this also covers a
		// password changed by other means (another version, direct SQL).
		err = fmt.Errorf("%w: password changed", ErrNoSession)
	case !u.Role.Valid():
		err = fmt.Errorf("%w: user has unknown role %q", ErrNoSession, u.Role)
	}
	if err != nil {
		return User{}, SessionInfo{}, err
	}
	if now.Sub(info.LastSeen) >= touchEvery {
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_us = $1
			WHERE id_hash = $2 AND revoked_at_us IS NULL`, us(now), id); err != nil {
			return User{}, SessionInfo{}, fmt.Errorf("auth: touch session: %w", err)
		}
		info.LastSeen, info.IdleDeadline = now, now.Add(s.idle)
	}
	return u, info, nil
}

// EndSession revokes one session (logout) and audits it. An unknown or
// already ended session is not an error: logging out twice is harmless.
func (s *Service) EndSession(ctx context.Context, rawID string, client audit.Actor) error {
	id := hashID(rawID)
	var u User
	var err error
	if len(rawID) == base64.RawURLEncoding.EncodedLen(sessionIDBytes) {
		u, err = scanUser(s.db.QueryRowContext(ctx, `SELECT `+prefixed("u.")+` FROM sessions s
			JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.revoked_at_us IS NULL`, id))
	} else {
		err = ErrNotFound
	}
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET revoked_at_us = $1
		WHERE id_hash = $2 AND revoked_at_us IS NULL`, us(s.nowUS()), id); err != nil {
		return fmt.Errorf("auth: end session: %w", err)
	}
	e := audit.Entry{Action: audit.ActionLogout, Outcome: audit.OutcomeOK}
	e.SetActor(ActorFor(u, client))
	return s.record(ctx, e)
}

// EndUserSessions revokes every live session of a user (an admin's "sign
// out everywhere") and audits it with the actor. It returns how many ended.
func (s *Service) EndUserSessions(ctx context.Context, actor audit.Actor, userID int64) (int64, error) {
	if !mayAdminister(actor) {
		return 0, ErrForbidden
	}
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return 0, err
	}
	n, err := s.endUserSessions(ctx, userID)
	if err != nil {
		return 0, err
	}
	return n, s.recordChange(ctx, actor, audit.ActionUserSessions, fmt.Sprintf("user=%s sessions_ended=%d", u.Username, n))
}

func (s *Service) endUserSessions(ctx context.Context, userID int64) (int64, error) {
	now := us(s.nowUS())
	res, err := s.db.ExecContext(ctx, `UPDATE sessions SET revoked_at_us = $1
		WHERE user_id = $2 AND revoked_at_us IS NULL AND expires_at_us > $1`, now, userID)
	if err != nil {
		return 0, fmt.Errorf("auth: end sessions: %w", err)
	}
	return res.RowsAffected()
}

// sessionQuery is Session's lookup, built once: every request runs it, and
// the same text lets SQLite run its prepared statement again.
// sessionQuery also counts the user's per-app roles: a request in an app
// then needs no second read to learn there are none (RoleIn).
var sessionQuery = `SELECT ` + prefixed("u.") + `, s.created_at_us, s.last_seen_us,
		s.expires_at_us, s.revoked_at_us, s.ip, s.user_agent, s.stage,
		(SELECT COUNT(*) FROM user_app_roles r WHERE r.user_id = u.id)
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`

func prefixed(p string) string {
	return p + "id, " + p + "username, " + p + "role, " + p + "disabled, " + p + "created_at_us, " +
		p + "updated_at_us, " + p + "password_changed_at_us, CASE WHEN " + p + "totp_secret <> '' THEN 1 ELSE 0 END, " +
		"COALESCE(" + p + "language, ''), COALESCE(" + p + "timezone, '')" + ", " + p + "source"
}
