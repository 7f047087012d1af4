package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// NormalizeUsername is applied before every lookup and store, which is what
// makes usernames case-insensitive.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateUsername checks an already-normalised username: 3 to 32 of
// a-z 0-9 . _ -, so names are safe in URLs, logs and CSV without escaping.
func ValidateUsername(name string) error {
	if len(name) < 3 || len(name) > 32 {
		return &ValidationError{Field: "username", Message: "must be 3 to 32 characters", ID: "auth.ErrUsernameLength"}
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return &ValidationError{Field: "username", Message: "may contain only letters a-z, digits and . _ -", ID: "auth.ErrUsernameChars"}
		}
	}
	return nil
}

// userCols are the columns scanUser reads, in its order.
var userCols = prefixed("")

type scanner interface{ Scan(...any) error }

func scanUser(r scanner, extra ...any) (User, error) {
	var u User
	var role string
	var created, updated, pwChanged, mfa int64
	dest := append([]any{&u.ID, &u.Username, &role, &u.Disabled, &created, &updated, &pwChanged, &mfa, &u.Language, &u.Timezone, &u.Source}, extra...)
	if err := r.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return User{}, ErrNotFound
		}
		return User{}, fmt.Errorf("auth: read user: %w", err)
	}
	u.Role = Role(role)
	u.MFA = mfa == 1
	u.CreatedAt, u.UpdatedAt, u.PasswordChangedAt = fromUS(created), fromUS(updated), fromUS(pwChanged)
	return u, nil
}

// ByID returns the user with that id, or ErrNotFound.
func (s *Service) ByID(ctx context.Context, id int64) (User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
}

// ByUsername returns the user with that name (any case), or ErrNotFound.
func (s *Service) ByUsername(ctx context.Context, username string) (User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, NormalizeUsername(username)))
}

// List returns every user, by username.
func (s *Service) List(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Create adds a user. Bad input is a *ValidationError (a taken name too).
func (s *Service) Create(ctx context.Context, actor audit.Actor, username, password string, role Role) (User, error) {
	if !mayAdminister(actor) {
		return User{}, ErrForbidden
	}
	u, err := s.insertUser(ctx, username, password, role)
	if err != nil {
		return User{}, err
	}
	return u, s.recordChange(ctx, actor, audit.ActionUserCreate, fmt.Sprintf("user=%s role=%s", u.Username, u.Role))
}

func (s *Service) insertUser(ctx context.Context, username, password string, role Role) (User, error) {
	name := NormalizeUsername(username)
	if err := ValidateUsername(name); err != nil {
		return User{}, err
	}
	if !role.Valid() {
		return User{}, &ValidationError{Field: "role", Message: fmt.Sprintf("%q is not viewer, operator or admin", role), ID: "auth.ErrRole", Data: map[string]any{"Role": string(role)}}
	}
	if err := validatePasswordFor(password, name); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.hash(ctx, password)
	if err != nil {
		return User{}, err
	}
	now := s.nowUS()
	u := User{Username: name, Role: role, CreatedAt: now, UpdatedAt: now, PasswordChangedAt: now}
	err = s.db.QueryRowContext(ctx, `INSERT INTO users
		(username, password_hash, role, disabled, created_at_us, updated_at_us, password_changed_at_us)
		VALUES ($1, $2, $3, $4, $5, $5, $5) RETURNING id`, name, hash, string(role), false, us(now)).Scan(&u.ID)
	if db.IsUniqueViolation(err) {
		return User{}, &ValidationError{Field: "username", Message: "is already taken", ID: "auth.ErrUsernameTaken"}
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: create user: %w", err)
	}
	return u, nil
}

// SetPassword replaces a user's password, ends all their sessions and lifts
// any login lock on their name (an admin reset is the way out of a lock).
func (s *Service) SetPassword(ctx context.Context, actor audit.Actor, id int64, password string) error {
	if !mayAdminister(actor) {
		return ErrForbidden
	}
	u, err := s.ByID(ctx, id)
	if err != nil {
		return err
	}
	if u.FromProvider() {
		return ErrProviderUser
	}
	if err := validatePasswordFor(password, u.Username); err != nil {
		return err
	}
	hash, err := s.hasher.hash(ctx, password)
	if err != nil {
		return err
	}
	now := us(s.nowUS())
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_changed_at_us = $2,
		updated_at_us = $2 WHERE id = $3`, hash, now, id); err != nil {
		return fmt.Errorf("auth: set password: %w", err)
	}
	n, err := s.endUserSessions(ctx, id)
	if err != nil {
		return err
	}
	if err := s.clearThrottle(ctx, userKey(u.Username)); err != nil {
		return err
	}
	return s.recordChange(ctx, actor, audit.ActionUserPassword, fmt.Sprintf("user=%s sessions_ended=%d", u.Username, n))
}

// SetDisabled disables (ending their sessions) or re-enables a user. The
// last enabled admin cannot be disabled: nobody could manage users then.
func (s *Service) SetDisabled(ctx context.Context, actor audit.Actor, id int64, disabled bool) error {
	if !mayAdminister(actor) {
		return ErrForbidden
	}
	u, err := s.ByID(ctx, id)
	if err != nil {
		return err
	}
	if disabled && u.Role == RoleAdmin && !u.Disabled {
		var others int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users
			WHERE role = 'admin' AND disabled = $1 AND id <> $2`, false, id).Scan(&others); err != nil {
			return fmt.Errorf("auth: count admins: %w", err)
		}
		if others == 0 {
			return ErrLastAdmin
		}
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at_us = $2 WHERE id = $3`,
		disabled, us(s.nowUS()), id); err != nil {
		return fmt.Errorf("auth: set disabled: %w", err)
	}
	if !disabled {
		return s.recordChange(ctx, actor, audit.ActionUserEnable, "user="+u.Username)
	}
	n, err := s.endUserSessions(ctx, id)
	if err != nil {
		return err
	}
	return s.recordChange(ctx, actor, audit.ActionUserDisable, fmt.Sprintf("user=%s sessions_ended=%d", u.Username, n))
}

// AdminUsername is the account EnsureAdmin creates.
const AdminUsername = "admin"

// EnsureAdmin creates the first account, "admin" with role admin, when the
// database has no users at all; otherwise it does nothing. An empty password
// means generate one: it is returned so the caller can print it once.
func (s *Service) EnsureAdmin(ctx context.Context, password string) (created bool, generated string, err error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return false, "", fmt.Errorf("auth: count users: %w", err)
	}
	if n > 0 {
		return false, "", nil
	}
	if password == "" {
		generated = randomPassword(20)
		password = generated
	}
	u, err := s.insertUser(ctx, AdminUsername, password, RoleAdmin)
	var ve *ValidationError
	if errors.As(err, &ve) && ve.Field == "username" {
		// Another instance starting at the same moment created it first.
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	return true, generated, s.recordChange(ctx, audit.Actor{Name: "system", Role: string(RoleAdmin)}, audit.ActionUserCreate,
		fmt.Sprintf("user=%s role=%s first start", u.Username, u.Role))
}

// randomPassword draws from letters and digits without look-alikes (0/O,
// 1/l/I), since it is read off a terminal and typed in by hand.
func randomPassword(n int) string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[randIntn(len(alphabet))]
	}
	return string(b)
}

// randIntn is an unbiased crypto/rand index (rejection sampling on a byte).
func randIntn(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic("auth: crypto/rand failed: " + err.Error()) // never returns an error on supported platforms
		}
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}
