// Package apitoken issues the bearer tokens log shippers use to follow
// /audit/stream. A token acts as its user, with the user's role at the
// time of each request (a disabled user's tokens stop working; a role
// taken away is taken from the token too). Only the token's SHA-256 is
// stored; the token itself is shown once, when created. Creating and
// revoking one are audited (token.create, token.revoke).
package apitoken

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// Prefix starts every token, so a leaked one is recognisable (secret
// scanners) and a pasted password is not mistaken for one.
const Prefix = "rdk_"

var (
	// ErrInvalid: not a live token (unknown, revoked, or its user disabled).
	ErrInvalid = errors.New("apitoken: not a valid token")
	// ErrForbidden: only the token's user or an admin may do that.
	ErrForbidden = errors.New("apitoken: only the token's user or an admin may do that")
	// ErrNotFound: no such token.
	ErrNotFound = errors.New("apitoken: no such token")
	// ErrBadName: a token's name must be 1 to 60 characters, no controls.
	ErrBadName = errors.New("apitoken: the name must be 1 to 60 characters, without control characters")
)

// Token is a token as pages list it (never the token itself).
type Token struct {
	ID        int64
	UserID    int64
	Username  string
	Name      string
	Hint      string // rdk_…last4
	CreatedBy string
	CreatedAt time.Time
	LastUsed  time.Time // zero: never
	Revoked   bool
}

// Users is what the service needs of auth.
type Users interface {
	ByID(ctx context.Context, id int64) (auth.User, error)
}

// Service stores and checks tokens.
type Service struct {
	db     *db.DB
	log    audit.Store
	users  Users
	now    func() time.Time
	logger *slog.Logger
}

// New returns a Service.
func New(d *db.DB, log audit.Store, users Users, now func() time.Time, logger *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{db: d, log: log, users: users, now: now, logger: logger}
}

func hash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Create issues a token for user. An admin may issue one for anyone;
// everyone else only for themselves. The token is returned this once.
func (s *Service) Create(ctx context.Context, actor audit.Actor, user auth.User, name string) (string, Token, error) {
	if actor.Name != user.Username && actor.Role != string(auth.RoleAdmin) {
		return "", Token{}, ErrForbidden
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 || safetext.Check(name, "name", false) != "" {
		return "", Token{}, ErrBadName
	}
	b := make([]byte, 32)
	rand.Read(b)
	plain := Prefix + base64.RawURLEncoding.EncodeToString(b)
	hint := Prefix + "…" + plain[len(plain)-4:]
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, hash, hint, created_by, created_at_us)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, user.ID, name, hash(plain), hint, actor.Name, s.now().UnixMicro()).Scan(&id)
	if err != nil {
		return "", Token{}, fmt.Errorf("apitoken: create: %w", err)
	}
	s.audit(ctx, actor, audit.ActionTokenCreate, fmt.Sprintf("API token %d %q for %s (%s)", id, name, user.Username, hint))
	t, err := s.get(ctx, id)
	return plain, t, err
}

// Revoke ends a token. owner is the acting user's id: a non-admin may
// revoke only their own tokens.
func (s *Service) Revoke(ctx context.Context, actor audit.Actor, owner, id int64) error {
	t, err := s.get(ctx, id)
	if err != nil {
		return err
	}
	if t.UserID != owner && actor.Role != string(auth.RoleAdmin) {
		return ErrForbidden
	}
	if t.Revoked {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at_us = $1 WHERE id = $2 AND revoked_at_us = 0`,
		s.now().UnixMicro(), id); err != nil {
		return fmt.Errorf("apitoken: revoke: %w", err)
	}
	s.audit(ctx, actor, audit.ActionTokenRevoke, fmt.Sprintf("API token %d %q of %s (%s)", t.ID, t.Name, t.Username, t.Hint))
	return nil
}

// Authenticate returns the user a token acts as.
func (s *Service) Authenticate(ctx context.Context, plain string) (auth.User, error) {
	if !strings.HasPrefix(plain, Prefix) || len(plain) > 100 {
		return auth.User{}, ErrInvalid
	}
	var id, userID, lastUsed int64
	err := s.db.QueryRowContext(ctx, `SELECT id, user_id, last_used_us FROM api_tokens WHERE hash = $1 AND revoked_at_us = 0`,
		hash(plain)).Scan(&id, &userID, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, ErrInvalid
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("apitoken: %w", err)
	}
	u, err := s.users.ByID(ctx, userID)
	if errors.Is(err, auth.ErrNotFound) || err == nil && u.Disabled {
		return auth.User{}, ErrInvalid
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("apitoken: %w", err)
	}
	// Last use to the minute: a shipper polling every second costs one
	// write a minute, not one a request.
	if now := s.now().UnixMicro(); now-lastUsed > int64(time.Minute/time.Microsecond) {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_us = $1 WHERE id = $2`, now, id); err != nil {
			s.logger.Warn("apitoken: last use not recorded", "token", id, "err", err)
		}
	}
	return u, nil
}

const tokenCols = `t.id, t.user_id, u.username, t.name, t.hint, t.created_by, t.created_at_us, t.last_used_us, t.revoked_at_us`

// List returns the tokens of one user (userID > 0) or of everyone,
// live ones first, newest first.
func (s *Service) List(ctx context.Context, userID int64) ([]Token, error) {
	q := `SELECT ` + tokenCols + ` FROM api_tokens t JOIN users u ON u.id = t.user_id`
	args := []any{}
	if userID > 0 {
		q += ` WHERE t.user_id = $1`
		args = append(args, userID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY (t.revoked_at_us > 0), t.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("apitoken: list: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("apitoken: list: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *Service) get(ctx context.Context, id int64) (Token, error) {
	t, err := scan(s.db.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, ErrNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("apitoken: %w", err)
	}
	return t, nil
}

func scan(r interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var created, used, revoked int64
	if err := r.Scan(&t.ID, &t.UserID, &t.Username, &t.Name, &t.Hint, &t.CreatedBy, &created, &used, &revoked); err != nil {
		return Token{}, err
	}
	t.CreatedAt, t.Revoked = time.UnixMicro(created).UTC(), revoked > 0
	if used > 0 {
		t.LastUsed = time.UnixMicro(used).UTC()
	}
	return t, nil
}

func (s *Service) audit(ctx context.Context, actor audit.Actor, action, detail string) {
	if s.log == nil {
		return
	}
	e := audit.Entry{Kind: audit.KindEvent, Action: action, Outcome: audit.OutcomeOK}
	e.SetActor(actor)
	e.Detail = detail
	if err := s.log.Append(context.WithoutCancel(ctx), &e); err != nil {
		s.logger.Error("apitoken: audit append failed", "action", action, "err", err)
	}
}
