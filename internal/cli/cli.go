// Package cli is roomdesk's command line: one binary with the subcommands
// serve (the default), emulator, user, audit and healthcheck.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/db"
)

// Env is what a command may touch of the outside world, passed in so tests
// can run commands without a process.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Ready, if set, is called with the console's URL once it serves.
	Ready func(url string)
}

const usage = `roomdesk: the operations console for Tencent Cloud TUILiveKit live rooms

usage:
  roomdesk [serve] [flags]        run the console (demo mode without ROOMDESK_SDKAPPID)
  roomdesk emulator [flags]       run the Tencent live API emulator alone
  roomdesk user add NAME [--role viewer|operator|admin] | passwd NAME | disable NAME | enable NAME
                | app-role NAME APP none|viewer|operator|default | list
  roomdesk audit verify [--checkpoint FILE] | checkpoint [--out FILE]
                 | export [--format csv|jsonl] [--with-proofs] [--out FILE] [filters]
                 | verify-export FILE --key PUBKEY
  roomdesk healthcheck            exit 0 if the console on ROOMDESK_ADDR answers /healthz

Configuration comes from ROOMDESK_* variables (see README); flags of the
same names override them, e.g. --addr, --data-dir. Run "roomdesk serve -h" for the list.
`

// Run runs the command in args (args[0] is the program name) and returns the
// process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	cmd, rest := "serve", args[1:]
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = rest[0], rest[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, env, selfCommand(args[0]))
	case "emulator":
		err = runEmulator(ctx, rest, env)
	case "user":
		err = runUser(ctx, rest, env)
	case "audit":
		err = runAudit(ctx, rest, env)
	case "healthcheck":
		err = healthcheck(ctx, env)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(env.Stderr, "roomdesk: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, config.ErrHelp):
		config.Usage(env.Stderr)
		return 0
	case errors.As(err, new(configError)):
		fmt.Fprintf(env.Stderr, "roomdesk: %v\n", err)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "roomdesk %s: %v\n", cmd, err)
		return 1
	}
}

// errUsage is returned (possibly wrapped) for a malformed command line; the
// usage text has then been written to stderr.
var errUsage = errors.New("usage")

// configError marks a bad configuration: exit code 2, one line.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

func loadConfig(args []string, env Env) (config.Config, error) {
	cfg, err := config.Load(env.Getenv, args)
	if err != nil && !errors.Is(err, config.ErrHelp) {
		return cfg, configError{err}
	}
	return cfg, err
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

// DefaultEnv is the real process environment.
func DefaultEnv() Env {
	return Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

// openDB opens the database the console's configuration names.
func openDB(ctx context.Context, env Env) (config.Config, *db.DB, error) {
	cfg, err := loadConfig(nil, env)
	if err != nil {
		return cfg, nil, err
	}
	d, err := db.Open(ctx, db.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	return cfg, d, err
}
