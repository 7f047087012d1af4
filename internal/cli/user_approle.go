package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
)

// roleDefault, on the command line, removes a user's override in one app
// so that their global role applies there again (the web form's "").
const roleDefault = "default"

// appRoleCommand runs `roomdesk user app-role USERNAME APP ROLE`. Every
// check runs before anything is written; the change itself goes through
// auth.Service.SetAppRole, as the users page's form does, so both write
// the same user.app_role audit entry.
func appRoleCommand(ctx context.Context, svc *auth.Service, actor audit.Actor, apps, args []string, stdout, stderr io.Writer) error {
	if len(args) != 3 {
		return usageErr(stderr, "app-role needs a username, an app and a role")
	}
	name, app, word := args[0], args[1], args[2]
	u, err := svc.ByUsername(ctx, name)
	if errors.Is(err, auth.ErrNotFound) {
		return fmt.Errorf("no user named %q", auth.NormalizeUsername(name))
	}
	if err != nil {
		return err
	}
	if !slices.Contains(apps, app) {
		return fmt.Errorf("no app %q is configured (apps: %s)", app, strings.Join(apps, ", "))
	}
	role, err := parseAppRoleWord(word)
	if err != nil {
		return err
	}
	if err := svc.SetAppRole(ctx, actor, u.ID, app, role); err != nil {
		return err
	}
	what := "the global role (" + string(u.Role) + ")"
	if role != "" {
		what = string(role)
	}
	fmt.Fprintf(stdout, "%s now has %s in %s\n", u.Username, what, app)
	if u.Role == auth.RoleAdmin {
		fmt.Fprintf(stdout, "note: %s is an admin, and admins are admin in every app\n", u.Username)
	}
	return nil
}

// parseAppRoleWord reads none|viewer|operator|default. The empty word is
// refused: "default" says on purpose what "" might say by accident.
func parseAppRoleWord(s string) (auth.Role, error) {
	if s == roleDefault {
		return "", nil
	}
	if s != "" {
		if r, err := auth.ParseAppRole(s); err == nil {
			return r, nil
		}
	}
	return "", fmt.Errorf("role %q is not none, viewer, operator or default", s)
}

// formatAppRoles is a user's overrides for `user list`, sorted by app:
// "prod-cn=operator prod-sg=none", or "-" when the global role holds everywhere.
func formatAppRoles(roles map[string]auth.Role) string {
	if len(roles) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(roles))
	for app, r := range roles {
		parts = append(parts, app+"="+string(r))
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}
