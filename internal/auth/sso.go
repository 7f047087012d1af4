package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// Identity is who the identity provider says signed in, from a verified
// ID token: the provider's issuer URL and its stable subject id. Username
// is only a suggestion (preferred_username, else email): users are found
// by (Issuer, Subject) alone, never by a name someone could pick at the
// provider to collide with a local account.
type Identity struct {
	Issuer   string
	Subject  string
	Username string
}

// Grant is the roles a group mapping gives a provider user: Role in every
// app, and Apps, the complete set of per-app roles (none, viewer or
// operator) that override it. Apps not listed have no override.
type Grant struct {
	Role Role
	Apps map[string]Role
}

// ErrUserDisabled refuses a provider user an admin disabled here, even
// with a valid token from the provider.
var ErrUserDisabled = errors.New("auth: user disabled")

// SignInSSO finds the provider's user by issuer and subject, creating it
// on first sign-in, and applies grant: the roles the user's groups give
// now replace whatever they gave last time, so a user removed from a group
// loses its role here at the next sign-in. A new user is audited as
// user.create, each role a mapping changes as user.sso_role. A disabled
// user is refused with ErrUserDisabled and keeps their roles as they were.
// The sign-in itself is the caller's to audit (it knows the whole flow).
func (s *Service) SignInSSO(ctx context.Context, id Identity, grant Grant, client audit.Actor) (User, error) {
	if id.Issuer == "" || id.Subject == "" || !grant.Role.Valid() {
		return User{}, fmt.Errorf("auth: sso sign-in: no issuer, subject or role")
	}
	ctx = context.WithoutCancel(ctx) // a hang-up must not leave half the roles applied
	u, err := s.byIdentity(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return s.createSSOUser(ctx, id, grant, client)
	}
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return u, ErrUserDisabled
	}
	actor := ActorFor(u, client)
	actor.Role = string(grant.Role)
	if u.Role != grant.Role {
		if _, err := s.db.ExecContext(ctx, `UPDATE users SET role = $1, updated_at_us = $2 WHERE id = $3`,
			string(grant.Role), us(s.nowUS()), u.ID); err != nil {
			return User{}, fmt.Errorf("auth: sso role: %w", err)
		}
		if err := s.recordChange(ctx, actor, audit.ActionUserSSORole,
			fmt.Sprintf("user=%s role=%s was=%s (provider groups)", u.Username, grant.Role, u.Role)); err != nil {
			return User{}, err
		}
		u.Role = grant.Role
	}
	return u, s.applyAppGrant(ctx, u, grant.Apps, actor, true)
}

func (s *Service) byIdentity(ctx context.Context, id Identity) (User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users
		WHERE oidc_issuer = $1 AND oidc_subject = $2`, id.Issuer, id.Subject))
}

// applyAppGrant makes the user's per-app roles exactly want, auditing each
// change with its app when record is set (a new user's roles are in its
// user.create row instead).
func (s *Service) applyAppGrant(ctx context.Context, u User, want map[string]Role, actor audit.Actor, record bool) error {
	have, err := s.AppRoles(ctx, u.ID)
	if err != nil {
		return err
	}
	apps := slices.Sorted(maps.Keys(have))
	for app := range want {
		if _, ok := have[app]; !ok {
			apps = append(apps, app)
		}
	}
	slices.Sort(apps)
	for _, app := range apps {
		w, wok := want[app]
		h, hok := have[app]
		if wok == hok && w == h {
			continue
		}
		q, args := `DELETE FROM user_app_roles WHERE user_id = $1 AND app = $2`, []any{u.ID, app}
		shown := "global (" + string(u.Role) + ")"
		if wok {
			q = `INSERT INTO user_app_roles (user_id, app, role) VALUES ($1, $2, $3)
				ON CONFLICT (user_id, app) DO UPDATE SET role = excluded.role`
			args, shown = append(args, string(w)), string(w)
		}
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("auth: sso app role: %w", err)
		}
		if !record {
			continue
		}
		was := "global"
		if hok {
			was = string(h)
		}
		e := audit.Entry{Action: audit.ActionUserSSORole, Outcome: audit.OutcomeOK, App: app,
			Detail: fmt.Sprintf("user=%s app=%s role=%s was=%s (provider groups)", u.Username, app, shown, was)}
		e.SetActor(actor)
		if err := s.record(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// createSSOUser adds a provider user under a free username derived from
// the provider's suggestion. A name already taken, by a local account or
// another provider user, is never reused or linked: the new user gets the
// name with a number (alice-2), and the audit row says so.
func (s *Service) createSSOUser(ctx context.Context, id Identity, grant Grant, client audit.Actor) (User, error) {
	base := ssoUsername(id.Username)
	now := s.nowUS()
	for i := 1; i <= 12; i++ {
		name := candidateName(base, i)
		u := User{Username: name, Role: grant.Role, CreatedAt: now, UpdatedAt: now, PasswordChangedAt: now, Source: SourceOIDC}
		err := s.db.QueryRowContext(ctx, `INSERT INTO users
			(username, password_hash, role, disabled, created_at_us, updated_at_us, password_changed_at_us, source, oidc_issuer, oidc_subject)
			VALUES ($1, '', $2, $3, $4, $4, $4, $5, $6, $7) RETURNING id`,
			name, string(grant.Role), false, us(now), SourceOIDC, id.Issuer, id.Subject).Scan(&u.ID)
		if db.IsUniqueViolation(err) {
			// Either the name is taken, or the same person's first sign-in
			// in another tab won the race: then that user is the one.
			if existing, err := s.byIdentity(ctx, id); err == nil {
				return s.SignInSSO(ctx, id, grant, client)
			} else if !errors.Is(err, ErrNotFound) {
				return existing, err
			}
			continue
		}
		if err != nil {
			return User{}, fmt.Errorf("auth: create sso user: %w", err)
		}
		detail := fmt.Sprintf("user=%s role=%s source=oidc subject=%s", u.Username, u.Role, clip(id.Subject, 128))
		for _, app := range slices.Sorted(maps.Keys(grant.Apps)) {
			detail += fmt.Sprintf(" %s=%s", app, grant.Apps[app])
		}
		if name != base {
			detail += fmt.Sprintf(" (name %q was taken; accounts are never linked by name)", base)
		}
		actor := ActorFor(u, client)
		if err := s.recordChange(ctx, actor, audit.ActionUserCreate, detail); err != nil {
			return User{}, err
		}
		return u, s.applyAppGrant(ctx, u, grant.Apps, actor, false)
	}
	return User{}, fmt.Errorf("auth: create sso user: no free username near %q", base)
}

// ssoUsername turns the provider's suggestion into a valid username:
// lower case, the part before an @, other characters as '-', 3 to 32 long.
func ssoUsername(suggested string) string {
	name := NormalizeUsername(suggested)
	if at := strings.IndexByte(name, '@'); at > 0 {
		name = name[:at]
	}
	var b strings.Builder
	for _, c := range name {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	name = strings.Trim(b.String(), "-.")
	if len(name) > 28 {
		name = name[:28]
	}
	if len(name) < 3 {
		name = "sso-user"
	}
	return name
}

// candidateName is the i-th name tried: base, base-2 ... base-10, then a
// random one.
func candidateName(base string, i int) string {
	switch {
	case i == 1:
		return base
	case i <= 10:
		return fmt.Sprintf("%s-%d", base, i)
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return base[:min(len(base), 25)] + "-" + hex.EncodeToString(b)
}
