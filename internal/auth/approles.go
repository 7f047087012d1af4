package auth

import (
	"context"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// RoleNone, as a per-app role, keeps an app from a user altogether.
const RoleNone Role = "none"

// An app role overrides a user's global role for one Tencent app: a user
// can be operator on prod-cn and viewer on prod-sg. Admin stays global
// (admins manage users across apps), so an app role is none, viewer or
// operator, and an admin's role is admin in every app.

// ParseAppRole reads a per-app role as the admin form sends it; "" means
// "no override: the global role".
func ParseAppRole(s string) (Role, error) {
	switch r := Role(s); r {
	case "", RoleNone, RoleViewer, RoleOperator:
		return r, nil
	}
	return "", &ValidationError{Field: "role", Message: fmt.Sprintf("%q is not none, viewer or operator", s), ID: "auth.ErrAppRole", Data: map[string]any{"Role": s}}
}

// RoleIn is u's role in app: admin everywhere for admins, else the app's
// override if there is one, else the global role. RoleNone allows nothing.
func (s *Service) RoleIn(ctx context.Context, u User, app string) (Role, error) {
	if u.Role == RoleAdmin || app == "" || u.noAppRoles {
		return u.Role, nil
	}
	roles, err := s.AppRoles(ctx, u.ID)
	if err != nil {
		return "", err
	}
	if r, ok := roles[app]; ok {
		return r, nil
	}
	return u.Role, nil
}

// AppRoles are a user's per-app overrides, by app id.
func (s *Service) AppRoles(ctx context.Context, userID int64) (map[string]Role, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT app, role FROM user_app_roles WHERE user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: app roles: %w", err)
	}
	defer rows.Close()
	out := map[string]Role{}
	for rows.Next() {
		var app, role string
		if err := rows.Scan(&app, &role); err != nil {
			return nil, fmt.Errorf("auth: app roles: %w", err)
		}
		out[app] = Role(role)
	}
	return out, rows.Err()
}

// SetAppRole sets (or with "" removes) u's role in one app, and audits it
// with the app. Admin only; the app id is the caller's to check against
// the configured apps.
func (s *Service) SetAppRole(ctx context.Context, actor audit.Actor, userID int64, app string, role Role) error {
	if !mayAdminister(actor) {
		return ErrForbidden
	}
	if _, err := ParseAppRole(string(role)); err != nil {
		return err
	}
	u, err := s.ByID(ctx, userID)
	if err != nil {
		return err
	}
	// One statement either way, so a fault between two steps can never
	// leave the user with no override where one was set.
	q, args := `DELETE FROM user_app_roles WHERE user_id = $1 AND app = $2`, []any{userID, app}
	if role != "" {
		q = `INSERT INTO user_app_roles (user_id, app, role) VALUES ($1, $2, $3)
			ON CONFLICT (user_id, app) DO UPDATE SET role = excluded.role`
		args = append(args, string(role))
	}
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("auth: set app role: %w", err)
	}
	shown := string(role)
	if role == "" {
		shown = "global (" + string(u.Role) + ")"
	}
	e := audit.Entry{Action: audit.ActionUserAppRole, Outcome: audit.OutcomeOK, App: app,
		Detail: fmt.Sprintf("user=%s app=%s role=%s", u.Username, app, shown)}
	e.SetActor(actor)
	return s.record(ctx, e)
}
