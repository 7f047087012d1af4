// Package usersview draws the admin's user management page: who can sign in,
// with which role, and the actions an admin takes on an account. The
// handlers do the work; this package only presents the result.
package usersview

import (
	"context"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/layout"
)

// Props fills /admin/users, the whole page or (for htmx) its region.
type Props struct {
	Layout layout.Props
	Users  []Row
	Flash  Flash
	Form   Form  // the "Add user" form as submitted (never the passwords)
	Reset  Reset // a reset-password form to show open, with its error
	Apps   []App // the configured Tencent apps, for per-app roles
	// SSOName is the identity provider's name; "" when none is configured.
	SSOName string
}

// App is one configured app, as the per-app role form offers it.
type App struct{ ID, Name string }

// AppRole is a user's role in one app, where it overrides the global one.
type AppRole struct{ App, Role string }

// Row is one account in the table.
type Row struct {
	ID       int64
	Username string
	Role     string // viewer, operator or admin
	Disabled bool
	Created  time.Time
	Self     bool // the signed-in admin's own account
	MFA      bool // a second factor is set up
	AppRoles []AppRole
	SSO      bool // signs in with the identity provider (no password here)
	// Use of the console (issue 13): the last completed sign-in (zero:
	// never), the sessions usable now and their newest request.
	LastSignIn time.Time
	Sessions   int
	LastSeen   time.Time
}

// Flash is the outcome of the last action; OK false is an error.
type Flash struct {
	OK   bool
	Text string
}

// Form is the "Add user" form's values and its errors by field
// (username, role, password, confirm).
type Form struct {
	Username string
	Role     string
	Errors   map[string]string
}

// Reset keeps one row's reset-password form open with a message.
type Reset struct {
	UserID int64
	Error  string
}

// Roles are the choices of the role select, least privileged first.
var Roles = []struct{ Value, Label string }{
	{"viewer", "users.RoleViewer"}, {"operator", "users.RoleOperator"}, {"admin", "users.RoleAdmin"},
}

func (r Row) path(action string) string {
	return "/admin/users/" + strconv.FormatInt(r.ID, 10) + "/" + action
}

func (f Form) fieldClass(name string) string { return components.FieldClass(f.Errors[name] != "") }

func (f Form) role() string {
	if f.Role == "" {
		return "viewer"
	}
	return f.Role
}

func errID(name string) string { return "add-" + name + "-error" }

func (p Props) counts() (active, disabled int) {
	for _, u := range p.Users {
		if u.Disabled {
			disabled++
		} else {
			active++
		}
	}
	return active, disabled
}

func summary(ctx context.Context, p Props) string {
	a, d := p.counts()
	if d > 0 {
		return i18n.Tf(ctx, "users.SummaryDisabled", map[string]any{"Active": a, "Disabled": d})
	}
	return i18n.Tf(ctx, "users.Summary", map[string]any{"Active": a})
}

// appRoleName is a per-app role (none, viewer, operator) as the reader's
// language names it.
func appRoleName(ctx context.Context, role string) string {
	if role == "none" {
		return i18n.T(ctx, "users.NoAccess")
	}
	return components.RoleName(ctx, role)
}

func resetID(r Row) string { return "reset-" + strconv.FormatInt(r.ID, 10) }

func endConfirm(ctx context.Context, r Row) string {
	if r.Self {
		return i18n.T(ctx, "users.ConfirmEndSelf")
	}
	return i18n.Tf(ctx, "users.ConfirmEnd", map[string]any{"User": r.Username})
}
