package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// userEnv is an auth service on a real database with a real audit log, a
// clock stopped at 2026-03-01 09:00 UTC and cheap password hashing.
type userEnv struct {
	svc   *auth.Service
	store *sqlstore.Store
}

func newUserEnv(t *testing.T, d db.Dialect) *userEnv {
	t.Helper()
	conn := dbtest.Open(t, d)
	store := sqlstore.New(conn)
	now := func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	svc := auth.NewService(conn, store, auth.Options{Now: now, Hash: auth.HashParams{Memory: 64, Time: 1, Threads: 1}})
	return &userEnv{svc: svc, store: store}
}

// entries is the audit log, oldest first.
func (e *userEnv) entries(t *testing.T) []audit.Entry {
	t.Helper()
	page, err := e.store.List(context.Background(), audit.Filter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]audit.Entry, len(page.Records))
	for i, r := range page.Records {
		out[len(out)-1-i] = r.Entry
	}
	return out
}

func (e *userEnv) last(t *testing.T) audit.Entry {
	t.Helper()
	all := e.entries(t)
	if len(all) == 0 {
		t.Fatal("nothing audited")
	}
	return all[len(all)-1]
}

func (e *userEnv) actions(t *testing.T) []string {
	var out []string
	for _, en := range e.entries(t) {
		out = append(out, en.Action)
	}
	return out
}

// forEachDialect runs fn as a parallel subtest on SQLite and PostgreSQL.
func forEachDialect(t *testing.T, fn func(t *testing.T, d db.Dialect)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

func TestUserCommand(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newUserEnv(t, d)
		ctx := context.Background()
		run := func(stdin string, args ...string) (string, string, error) {
			var out, errOut bytes.Buffer
			err := userCommand(ctx, e.svc, testApps, args, strings.NewReader(stdin), &out, &errOut)
			return out.String(), errOut.String(), err
		}

		out, _, err := run("first password\nignored\n", "add", "Carol", "--role", "operator")
		if err != nil || out != "created user carol (operator)\n" {
			t.Fatalf("add: %q %v", out, err)
		}
		if got := e.last(t); got.Action != audit.ActionUserCreate || !strings.HasPrefix(got.Actor, "cli:") || got.ActorRole != "admin" {
			t.Errorf("cli audit actor: %+v", got)
		}
		if _, err := e.svc.Authenticate(ctx, audit.Actor{}, "carol", "first password"); err != nil {
			t.Fatalf("login with the piped password: %v", err)
		}
		// Flags before the name, no trailing newline, default role viewer.
		if _, _, err := run("his long passphrase", "add", "dave"); err != nil {
			t.Fatal(err)
		}

		out, _, err = run("", "list")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if err != nil || len(lines) != 3 || !strings.HasPrefix(lines[0], "USERNAME") ||
			!strings.Contains(lines[1], "carol") || !strings.Contains(lines[1], "operator") ||
			!strings.Contains(lines[1], "active") || !strings.Contains(lines[1], "2026-03-01 09:00:00 UTC") ||
			!strings.Contains(lines[2], "viewer") {
			t.Errorf("list:\n%s %v", out, err)
		}

		if _, _, err := run("second password\r\n", "passwd", "CAROL"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, audit.Actor{}, "carol", "second password"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, _, err := run("", "disable", "carol"); err != nil {
			t.Fatal(err)
		}
		if out, _, _ := run("", "list"); !strings.Contains(out, "disabled") {
			t.Errorf("list after disable:\n%s", out)
		}
		if _, _, err := run("", "enable", "carol"); err != nil {
			t.Fatal(err)
		}
		want := []string{audit.ActionUserCreate, audit.ActionLogin, audit.ActionUserCreate,
			audit.ActionUserPassword, audit.ActionLogin, audit.ActionUserDisable, audit.ActionUserEnable}
		if got := e.actions(t); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("audited %v\nwant %v", got, want)
		}
	})
}

func TestUserCommandErrors(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newUserEnv(t, d)
		if _, err := e.svc.Create(context.Background(), audit.Actor{Name: "cli:test", Role: string(auth.RoleAdmin)}, "carol", "a long enough password", auth.RoleViewer); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			stdin string
			args  []string
			want  string
			usage bool
		}{
			{"no command", "", nil, "missing command", true},
			{"unknown", "", []string{"rm", "carol"}, `unknown command "rm"`, true},
			{"no name", "", []string{"add"}, "add needs a username", true},
			{"password in argv", "", []string{"add", "erin", "hunter2hunter2"}, "passwords are never taken from the command line", true},
			{"password flag", "", []string{"passwd", "carol", "--password", "hunter2hunter2"}, "flag provided but not defined", true},
			{"role on passwd", "", []string{"passwd", "carol", "--role", "admin"}, "--role applies only to add", true},
			{"bad role", "long enough pw\n", []string{"add", "erin", "--role", "root"}, `role "root" is not viewer`, false},
			{"empty stdin", "", []string{"add", "erin"}, "no password on stdin", false},
			{"short password", "short\n", []string{"add", "erin"}, "password must be at least 12 characters", false},
			{"unknown user", "", []string{"disable", "zed"}, `no user named "zed"`, false},
			{"list args", "", []string{"list", "x"}, "list takes no arguments", true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var out, errOut bytes.Buffer
				err := userCommand(context.Background(), e.svc, testApps, tc.args, strings.NewReader(tc.stdin), &out, &errOut)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want %q", err, tc.want)
				}
				if errors.Is(err, errUsage) != tc.usage || strings.Contains(errOut.String(), "usage:") != tc.usage {
					t.Errorf("usage error %v, usage printed %q", errors.Is(err, errUsage), errOut.String())
				}
				if strings.Contains(err.Error()+out.String()+errOut.String(), "hunter2") {
					t.Error("a password from argv was echoed")
				}
			})
		}
		if _, err := e.svc.ByUsername(context.Background(), "erin"); err != auth.ErrNotFound {
			t.Errorf("a failed add created the user: %v", err)
		}
	})
}
