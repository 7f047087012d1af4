package auth

import "fmt"

// Role is what a user may do. Roles are ordered: each one may do everything
// the one below it may.
type Role string

const (
	RoleViewer   Role = "viewer"   // read rooms and the audit log
	RoleOperator Role = "operator" // viewer + edit rooms
	RoleAdmin    Role = "admin"    // operator + manage users
)

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleOperator:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether a user with role r may do what needs min. An
// unknown role allows nothing, so a corrupted row fails closed.
func (r Role) Allows(min Role) bool {
	return r.Valid() && min.Valid() && r.rank() >= min.rank()
}

// ParseRole reads a role name as the CLI and the admin form send it.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", &ValidationError{Field: "role", Message: fmt.Sprintf("%q is not viewer, operator or admin", s), ID: "auth.ErrRole", Data: map[string]any{"Role": s}}
	}
	return r, nil
}
