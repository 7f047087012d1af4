package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// Authenticate checks a username and password from the login form.
//
// Errors: *LockedError wrapping ErrThrottled or ErrLocked (checked before the
// password, so it says nothing about the password or whether the user
// exists); ErrInvalidCredentials for a wrong password, an unknown user and a
// disabled user alike, with the real reason in the audit row only; anything
// else is an internal failure. Every checked attempt is audited, and so is
// the moment a username or address gets locked. Refusals during a slow-down
// or lock are only logged: auditing each would let a flood of guesses flood
// the hash-chained audit log too.
func (s *Service) Authenticate(ctx context.Context, client audit.Actor, username, password string) (User, error) {
	name := NormalizeUsername(username)
	now := s.nowUS()
	keys := s.keys(name, client.IP)
	ids, err := s.begin(ctx, keys, now)
	if err != nil {
		var re *LockedError
		if errors.As(err, &re) {
			s.log.Warn("auth: login refused by throttle", "username", safetext.Clip(name, safetext.DefaultMax), "ip", safetext.Clip(client.IP, 64),
				"reason", re.Err, "retry_after", re.RetryAfter)
		}
		return User{}, err
	}
	// From here on, finish even if the client hangs up: the attempt must
	// be counted and audited either way.
	wctx := context.WithoutCancel(ctx)
	u, hash, err := s.userWithHash(wctx, name)
	reason := ""
	switch {
	case errors.Is(err, ErrNotFound):
		// Same work as for a real user, so timing does not tell them apart.
		if _, _, err := s.hasher.verify(wctx, password, s.dummyHash()); err != nil {
			return User{}, err
		}
		reason = "unknown user"
	case err != nil:
		return User{}, err
	case u.FromProvider():
		// No password here (the hash is ''): same work as a real check.
		if _, _, err := s.hasher.verify(wctx, password, s.dummyHash()); err != nil {
			return User{}, err
		}
		reason = "signs in with the identity provider, not a password"
	default:
		ok, stale, err := s.hasher.verify(wctx, password, hash)
		if err != nil {
			return User{}, fmt.Errorf("auth: user %s: %w", name, err)
		}
		switch {
		case !ok:
			reason = "wrong password"
		case s.passwordAllowed != nil && !s.passwordAllowed(name):
			reason = "local password sign-in is turned off for this user (ROOMDESK_LOCAL_LOGIN)"
		case u.Disabled:
			reason = "user disabled"
		case stale:
			s.rehash(wctx, u.ID, password)
		}
	}
	// The name as attempted (the attacker's text: record clips it) and
	// the role of the user it names, if any.
	client.Name, client.Role = name, string(u.Role)
	entry := audit.Entry{Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
	entry.SetActor(client)
	if reason == "" {
		if err := s.succeeded(wctx, ids, name); err != nil {
			return User{}, err
		}
		if err := s.record(wctx, entry); err != nil {
			return User{}, err
		}
		return u, nil
	}
	return User{}, s.failed(wctx, entry, ids, keys, reason)
}

// failed audits a failed attempt, locks keys that reached their limit, and
// returns what the caller sees.
func (s *Service) failed(ctx context.Context, entry audit.Entry, ids []int64, keys []throttleKey, reason string) error {
	entry.Action, entry.Outcome, entry.Detail = audit.ActionLoginFailed, audit.OutcomeDenied, reason
	auditErr := s.record(ctx, entry)
	locked, err := s.failedCheck(ctx, ids, keys, s.nowUS())
	if err != nil {
		return join(err, auditErr)
	}
	if len(locked) == 0 {
		return join(ErrInvalidCredentials, auditErr)
	}
	kinds := make([]string, len(locked))
	for i, k := range locked {
		kinds[i] = k.kind
	}
	entry.Action = audit.ActionLoginLocked
	entry.Detail = fmt.Sprintf("too many failed logins for this %s; locked for %s",
		strings.Join(kinds, " and "), s.throttle.LockFor)
	return join(&LockedError{Err: ErrLocked, RetryAfter: s.throttle.LockFor}, auditErr, s.record(ctx, entry))
}

func (s *Service) userWithHash(ctx context.Context, name string) (User, string, error) {
	var hash string
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE username = $1`, name), &hash)
	return u, hash, err
}

// rehash upgrades a hash made with older parameters. It leaves
// password_changed_at alone (same password, so sessions stay valid) and
// only logs a failure: the login itself succeeded.
func (s *Service) rehash(ctx context.Context, id int64, password string) {
	h, err := s.hasher.hash(ctx, password)
	if err == nil {
		_, err = s.db.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, h, id)
	}
	if err != nil {
		s.log.Warn("auth: upgrading password hash failed", "user_id", id, "err", err)
	}
}

// dummyHash is a hash of a random password under the current parameters,
// made on first use so NewService stays cheap.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		h, err := hashPassword(randomPassword(20), s.hasher.params)
		if err != nil {
			panic(err) // only crypto/rand can fail here, and it does not
		}
		s.dummy = h
	})
	return s.dummy
}

// join returns err itself when nothing else went wrong, so callers may still
// compare with ==; otherwise all of them (errors.Is finds each).
func join(err error, more ...error) error {
	for _, m := range more {
		if m != nil {
			return errors.Join(append([]error{err}, more...)...)
		}
	}
	return err
}
