package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// ChangeOwnPassword is a signed-in user changing their own password. The
// current password is checked first (in the login throttle, so a
// hijacked session cannot guess it), the new one must pass the policy
// and differ from it. Every session of the user ends, the caller's too:
// it gets a new session id to carry on with, so a session someone else
// holds is gone. Audited.
func (s *Service) ChangeOwnPassword(ctx context.Context, u User, current, next string, client audit.Actor) (string, error) {
	if err := s.CheckPassword(ctx, u, current, client, "changing it"); err != nil {
		return "", err
	}
	wctx := context.WithoutCancel(ctx)
	if err := validatePasswordFor(next, u.Username); err != nil {
		return "", err
	}
	if next == current {
		return "", &ValidationError{Field: "password", Message: "must differ from the current one", ID: "auth.ErrPasswordSame"}
	}
	newHash, err := s.hasher.hash(wctx, next)
	if err != nil {
		return "", err
	}
	now := us(s.nowUS())
	if _, err := s.db.ExecContext(wctx, `UPDATE users SET password_hash = $1, password_changed_at_us = $2,
		updated_at_us = $2 WHERE id = $3`, newHash, now, u.ID); err != nil {
		return "", fmt.Errorf("auth: change password: %w", err)
	}
	n, err := s.endUserSessions(wctx, u.ID)
	if err != nil {
		return "", err
	}
	// The session carrying on starts at or after the change, which the
	// password-changed check in Session lets through.
	sid, err := s.CreateSession(wctx, u, client)
	if err != nil {
		return "", err
	}
	return sid, s.recordChange(wctx, ActorFor(u, client), audit.ActionUserPassword,
		fmt.Sprintf("user=%s changed own password; other sessions_ended=%d", u.Username, n-1))
}

// CheckPassword re-authenticates a signed-in user before a change to how
// they sign in (ASVS 7.5.1). A wrong password is a failed sign-in in the
// throttle (so a hijacked session cannot guess it), audited with why, and
// comes back as a *ValidationError on the field "current".
func (s *Service) CheckPassword(ctx context.Context, u User, password string, client audit.Actor, why string) error {
	keys := s.keys(u.Username, client.IP)
	ids, err := s.begin(ctx, keys, s.nowUS())
	if err != nil {
		return err
	}
	wctx := context.WithoutCancel(ctx)
	_, hash, err := s.userWithHash(wctx, u.Username)
	if err != nil {
		return err
	}
	ok, _, err := s.hasher.verify(wctx, password, hash)
	if err != nil {
		return err
	}
	if !ok {
		var entry audit.Entry
		entry.SetActor(ActorFor(u, client))
		err := s.failed(wctx, entry, ids, keys, "wrong current password when "+why)
		if errors.Is(err, ErrInvalidCredentials) {
			return &ValidationError{Field: "current", Message: "is not your current password", ID: "auth.ErrPasswordWrong"}
		}
		return err
	}
	return s.succeeded(wctx, ids, u.Username)
}
