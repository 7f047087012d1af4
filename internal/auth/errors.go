package auth

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrInvalidCredentials answers a wrong password, an unknown user and a
	// disabled user alike, so the login form does not reveal which names
	// exist. The audit log records the real reason.
	ErrInvalidCredentials = errors.New("auth: wrong username or password")
	// ErrThrottled: too many recent failures for this username or address;
	// wait LockedError.RetryAfter before the next attempt.
	ErrThrottled = errors.New("auth: too many failed logins, slow down")
	// ErrLocked: so many failures that logins for this username or address
	// are refused until LockedError.RetryAfter has passed.
	ErrLocked = errors.New("auth: too many failed logins, temporarily locked")
	// ErrNoSession: the session id is unknown, revoked, expired or idle, or
	// its user was disabled or changed password. The caller should send the
	// browser to the login page; the wrapped text says why, for the logs.
	ErrNoSession = errors.New("auth: no valid session")
	// ErrNotFound: no user with that id or name.
	ErrNotFound = errors.New("auth: no such user")
	// ErrForbidden: the actor's role may not manage users.
	ErrForbidden = errors.New("auth: only an admin may manage users")
	// ErrProviderUser: the user signs in with the identity provider and
	// has no password here to set.
	ErrProviderUser = errors.New("auth: this user signs in with the identity provider and has no password here")
	// ErrLastAdmin: the change would leave no enabled admin.
	ErrLastAdmin = errors.New("auth: this is the last enabled admin")
	// ErrOwnRole: an admin tried to change their own role.
	ErrOwnRole = errors.New("auth: another admin changes your role")
)

// LockedError refuses a login attempt without checking the password: too
// many recent failures for the username or the address. It unwraps to
// ErrThrottled (a short slow-down) or ErrLocked (a lockout); either way
// RetryAfter says when to try again (answer 429 with Retry-After).
type LockedError struct {
	Err        error
	RetryAfter time.Duration
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("%v; try again in %s", e.Err, e.RetryAfter.Round(time.Second))
}

func (e *LockedError) Unwrap() error { return e.Err }

// ValidationError is bad input for one form field, with a message meant for
// the person who typed it.
type ValidationError struct {
	Field   string // "username", "password" or "role"
	Message string // e.g. "must be at least 12 characters"
	// ID names the message in the console's catalogue (internal/i18n,
	// area "auth"), and Data fills its placeholders: the console shows it in
	// the reader's language, the CLI shows Message.
	ID   string
	Data map[string]any
}

func (e *ValidationError) Error() string { return e.Field + " " + e.Message }
