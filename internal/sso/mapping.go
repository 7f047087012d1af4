package sso

import (
	"fmt"
	"slices"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/config"
)

// mapping is the roles file, checked against the apps served.
type mapping struct {
	groups map[string]auth.Role
	apps   map[string]map[string]auth.Role
	served []string
}

func newMapping(m config.RoleMapping, served []string) (mapping, error) {
	out := mapping{groups: map[string]auth.Role{}, apps: map[string]map[string]auth.Role{}, served: served}
	for g, r := range m.Groups {
		out.groups[g] = auth.Role(r)
	}
	for app, groups := range m.Apps {
		if !slices.Contains(served, app) {
			return mapping{}, fmt.Errorf("%s: app %q is not one of the apps served (%v)", config.EnvOIDCRolesFile, app, served)
		}
		out.apps[app] = map[string]auth.Role{}
		for g, r := range groups {
			out.apps[app][g] = auth.Role(r)
		}
	}
	return out, nil
}

// appRank orders per-app roles: none < viewer < operator.
func appRank(r auth.Role) int {
	switch r {
	case auth.RoleViewer:
		return 1
	case auth.RoleOperator:
		return 2
	}
	return 0
}

// globalRank orders global roles: viewer < operator < admin.
func globalRank(r auth.Role) int {
	if r == auth.RoleAdmin {
		return 3
	}
	return appRank(r)
}

// grant is what groups give: the highest global role any of them maps to,
// and per app the highest role the app's own entries give. A user whose
// groups give roles in some apps only is a viewer of the audit log with
// role none in every other app. ok is false when no group gives anything.
func (m mapping) grant(groups []string) (g auth.Grant, ok bool) {
	g.Apps = map[string]auth.Role{}
	for _, name := range groups {
		if r, found := m.groups[name]; found && globalRank(r) > globalRank(g.Role) {
			g.Role = r
		}
	}
	anyApp := false
	for app, entries := range m.apps {
		best, found := auth.Role(""), false
		for _, name := range groups {
			if r, hit := entries[name]; hit && (!found || appRank(r) > appRank(best)) {
				best, found = r, true
			}
		}
		if found {
			g.Apps[app] = best
			anyApp = anyApp || best != auth.RoleNone
		}
	}
	if g.Role != "" {
		return g, true
	}
	if !anyApp {
		return auth.Grant{}, false
	}
	g.Role = auth.RoleViewer
	for _, app := range m.served {
		if _, set := g.Apps[app]; !set {
			g.Apps[app] = auth.RoleNone
		}
	}
	return g, true
}
