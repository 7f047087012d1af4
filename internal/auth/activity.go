package auth

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// Activity is what the users page shows of a user's use of the console.
type Activity struct {
	LastSignIn time.Time // zero: never (or before this was recorded)
	Sessions   int       // signed-in sessions still usable now
	LastSeen   time.Time // the newest of those sessions' last request
}

// Activity is every user's sign-in and sessions, by user id.
func (s *Service) Activity(ctx context.Context) (map[int64]Activity, error) {
	out := map[int64]Activity{}
	rows, err := s.db.QueryContext(ctx, `SELECT id, last_login_us FROM users WHERE last_login_us IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("auth: activity: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("auth: activity: %w", err)
		}
		out[id] = Activity{LastSignIn: fromUS(at)}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("auth: activity: %w", err)
	}
	now := s.nowUS()
	// Usable: full, not ended, not expired, not idle (as Session decides).
	srows, err := s.db.QueryContext(ctx, `SELECT user_id, COUNT(*), MAX(last_seen_us) FROM sessions
		WHERE stage = $1 AND revoked_at_us IS NULL AND expires_at_us > $2 AND last_seen_us >= $3
		GROUP BY user_id`, StageFull, us(now), us(now.Add(-s.idle)))
	if err != nil {
		return nil, fmt.Errorf("auth: activity: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var id, n int64
		var seen sql.NullInt64
		if err := srows.Scan(&id, &n, &seen); err != nil {
			return nil, fmt.Errorf("auth: activity: %w", err)
		}
		a := out[id]
		a.Sessions = int(n)
		if seen.Valid {
			a.LastSeen = fromUS(seen.Int64)
		}
		out[id] = a
	}
	return out, srows.Err()
}

// SetRole changes a user's global role, ends their sessions (they sign in
// again with the new rights: a promotion to admin may need a second factor
// the old session never gave, and nothing of the old role lingers), and
// audits it as user.role. Admins only; never the last enabled admin, and
// not one's own role (another admin does that, so nobody locks
// themselves out by a slip).
func (s *Service) SetRole(ctx context.Context, actor audit.Actor, id int64, role Role) error {
	if !mayAdminister(actor) {
		return ErrForbidden
	}
	if !role.Valid() {
		return &ValidationError{Field: "role", Message: fmt.Sprintf("must be viewer, operator or admin (got %q)", clip(string(role), 32))}
	}
	u, err := s.ByID(ctx, id)
	if err != nil {
		return err
	}
	if u.Username == actor.Name {
		return ErrOwnRole
	}
	if u.Role == role {
		return nil
	}
	if u.Role == RoleAdmin && !u.Disabled {
		var others int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users
			WHERE role = 'admin' AND disabled = $1 AND id <> $2`, false, id).Scan(&others); err != nil {
			return fmt.Errorf("auth: count admins: %w", err)
		}
		if others == 0 {
			return ErrLastAdmin
		}
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET role = $1, updated_at_us = $2 WHERE id = $3`,
		string(role), us(s.nowUS()), id); err != nil {
		return fmt.Errorf("auth: set role: %w", err)
	}
	n, err := s.endUserSessions(ctx, id)
	if err != nil {
		return err
	}
	return s.recordChange(ctx, actor, audit.ActionUserRole,
		fmt.Sprintf("user=%s role=%s→%s sessions_ended=%d", u.Username, u.Role, role, n))
}
