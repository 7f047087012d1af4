package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/roomdesk/roomdesk/internal/app"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/auth"
)

const userUsage = `usage: roomdesk user <command>
  add <username> [--role viewer|operator|admin]   create a user (role defaults to viewer)
  passwd <username>                               set a new password, ending their sessions
  disable <username>                              disable a user, ending their sessions
  enable <username>                               re-enable a user
  app-role <username> <app> none|viewer|operator|default
                                                  set the user's role in one app
                                                  (default: their global role applies)
  list                                            list users and their per-app roles
Passwords are read from the terminal without echo, or from the first line of
stdin when it is not a terminal; never from the command line.`

// runUser manages console users in the configured database.
func runUser(ctx context.Context, args []string, env Env) error {
	cfg, d, err := openDB(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()
	svc := auth.NewService(d, sqlstore.New(d), auth.Options{Logger: newLogger(cfg, env.Stderr)})
	return userCommand(ctx, svc, app.AppIDs(cfg), args, env.Stdin, env.Stdout, env.Stderr)
}

// userCommand runs `roomdesk user add|passwd|disable|enable|app-role|list`.
// apps are the configured app ids; args are the words after "user". The audit actor is "cli:<OS user>" with the
// admin role: whoever can run the binary against the database already holds
// its keys.
func userCommand(ctx context.Context, svc *auth.Service, apps []string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr(stderr, "missing command")
	}
	actor := audit.Actor{Name: "cli:" + osUser(), Role: string(auth.RoleAdmin)}
	cmd, rest := args[0], args[1:]
	if cmd == "list" {
		if len(rest) != 0 {
			return usageErr(stderr, "list takes no arguments")
		}
		return listUsers(ctx, svc, stdout)
	}
	if cmd == "app-role" {
		return appRoleCommand(ctx, svc, actor, apps, rest, stdout, stderr)
	}
	fs := flag.NewFlagSet("user "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	role := fs.String("role", string(auth.RoleViewer), "")
	pos, err := parseInterspersed(fs, rest)
	if err != nil {
		return usageErr(stderr, err.Error())
	}
	if len(pos) == 0 {
		return usageErr(stderr, cmd+" needs a username")
	}
	if len(pos) > 1 {
		// Most likely a password typed after the name: refuse without
		// echoing it, since argv is visible to every local user.
		return usageErr(stderr, "too many arguments; passwords are never taken from the command line")
	}
	if cmd != "add" && *role != string(auth.RoleViewer) {
		return usageErr(stderr, "--role applies only to add")
	}
	name := pos[0]
	switch cmd {
	case "add":
		r, err := auth.ParseRole(*role)
		if err != nil {
			return err
		}
		pw, err := readPassword(stdin, stderr, "Password for "+name)
		if err != nil {
			return err
		}
		u, err := svc.Create(ctx, actor, name, pw, r)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created user %s (%s)\n", u.Username, u.Role)
		return nil
	case "passwd", "disable", "enable":
		u, err := svc.ByUsername(ctx, name)
		if errors.Is(err, auth.ErrNotFound) {
			return fmt.Errorf("no user named %q", auth.NormalizeUsername(name))
		}
		if err != nil {
			return err
		}
		return changeUser(ctx, svc, actor, cmd, u, stdin, stdout, stderr)
	}
	return usageErr(stderr, fmt.Sprintf("unknown command %q", cmd))
}

func changeUser(ctx context.Context, svc *auth.Service, actor audit.Actor, cmd string, u auth.User, stdin io.Reader, stdout, stderr io.Writer) error {
	switch cmd {
	case "passwd":
		pw, err := readPassword(stdin, stderr, "New password for "+u.Username)
		if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, actor, u.ID, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions were ended\n", u.Username)
	case "disable":
		if err := svc.SetDisabled(ctx, actor, u.ID, true); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "disabled %s; their sessions were ended\n", u.Username)
	case "enable":
		if err := svc.SetDisabled(ctx, actor, u.ID, false); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "enabled %s\n", u.Username)
	}
	return nil
}

func listUsers(ctx context.Context, svc *auth.Service, stdout io.Writer) error {
	users, err := svc.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tROLE\tSTATUS\tCREATED\tAPP ROLES")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		roles, err := svc.AppRoles(ctx, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, status,
			u.CreatedAt.UTC().Format(time.DateTime+" MST"), formatAppRoles(roles))
	}
	return tw.Flush()
}

// parseInterspersed lets flags come before or after the username, since
// the flag package alone stops at the first positional argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func usageErr(stderr io.Writer, msg string) error {
	fmt.Fprintln(stderr, userUsage)
	return fmt.Errorf("%w: %s", errUsage, msg)
}

// readPassword prompts twice without echo on a terminal, and otherwise reads
// the first line of stdin (for scripts: printf '%s\n' "$PW" | roomdesk ...).
// The policy check runs before anything is hashed or stored.
func readPassword(stdin io.Reader, stderr io.Writer, prompt string) (string, error) {
	var pw string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		first, err := promptNoEcho(f, stderr, prompt+": ")
		if err != nil {
			return "", err
		}
		again, err := promptNoEcho(f, stderr, "Repeat it: ")
		if err != nil {
			return "", err
		}
		if first != again {
			return "", errors.New("the passwords do not match")
		}
		pw = first
	} else {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", errors.New("no password on stdin (expected it on the first line)")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	return pw, auth.ValidatePassword(pw)
}

func promptNoEcho(f *os.File, stderr io.Writer, prompt string) (string, error) {
	fmt.Fprint(stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "unknown"
}
