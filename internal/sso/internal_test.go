package sso

import (
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/config"
)

func TestAudienceProblem(t *testing.T) {
	cases := []struct {
		aud  []string
		azp  any
		want string
	}{
		{[]string{"rd"}, nil, ""},
		{[]string{"rd", "other"}, "rd", ""},
		{[]string{"rd", "other"}, nil, "wrong audience"},
		{[]string{"rd", "other"}, "other", "wrong audience"},
	}
	for _, tc := range cases {
		if got := audienceProblem(tc.aud, tc.azp, "rd"); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("audienceProblem(%v, %v) = %q, want %q", tc.aud, tc.azp, got, tc.want)
		}
	}
}

func TestGrant(t *testing.T) {
	m, err := newMapping(config.RoleMapping{
		Groups: map[string]string{"ops": "operator", "view": "viewer", "adm": "admin"},
		Apps:   map[string]map[string]string{"sg": {"sg-ops": "operator", "sg-no": "none", "view": "viewer"}},
	}, []string{"cn", "sg"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		groups []string
		ok     bool
		role   auth.Role
		apps   map[string]auth.Role
	}{
		{[]string{"ops", "view"}, true, auth.RoleOperator, map[string]auth.Role{"sg": auth.RoleViewer}},
		{[]string{"view", "adm"}, true, auth.RoleAdmin, map[string]auth.Role{"sg": auth.RoleViewer}},
		{[]string{"ops", "sg-no"}, true, auth.RoleOperator, map[string]auth.Role{"sg": auth.RoleNone}},
		{[]string{"sg-no", "sg-ops"}, true, auth.RoleViewer, map[string]auth.Role{"sg": auth.RoleOperator, "cn": auth.RoleNone}},
		{[]string{"sg-no"}, false, "", nil},
		{[]string{"nobody"}, false, "", nil},
		{nil, false, "", nil},
	}
	for _, tc := range cases {
		g, ok := m.grant(tc.groups)
		if ok != tc.ok || g.Role != tc.role || len(g.Apps) != len(tc.apps) {
			t.Errorf("grant(%v) = %+v %v", tc.groups, g, ok)
			continue
		}
		for app, r := range tc.apps {
			if g.Apps[app] != r {
				t.Errorf("grant(%v) app %s = %s, want %s", tc.groups, app, g.Apps[app], r)
			}
		}
	}
	if _, err := newMapping(config.RoleMapping{Apps: map[string]map[string]string{"xx": {}}}, []string{"cn"}); err == nil || !strings.Contains(err.Error(), config.EnvOIDCRolesFile) {
		t.Errorf("unknown app: %v", err)
	}
}
