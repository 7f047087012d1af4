package cli

import (
	"context"
	"fmt"
	"net"
	"runtime/debug"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/app"
	"github.com/roomdesk/roomdesk/internal/server"
)

// serve runs the console until ctx ends. self is how the person started
// roomdesk ("go run .", "./roomdesk"), for the commands it prints.
func serve(ctx context.Context, args []string, env Env, self string) error {
	start := time.Now()
	cfg, err := loadConfig(args, env)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, env.Stderr)
	for _, w := range cfg.Warnings {
		logger.Warn(w)
	}
	a, err := app.New(ctx, cfg, app.Options{Logger: logger})
	if err != nil {
		return err
	}
	defer a.Close()

	created, generated, err := a.Auth.EnsureAdmin(ctx, cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("first admin: %w", err)
	}
	if created {
		// Hashing the first admin's password takes argon2id's 19 MiB; hand
		// it back to the OS now rather than idling with it for hours.
		debug.FreeOSMemory()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (ROOMDESK_ADDR): %w", cfg.Addr, err)
	}
	url := "http://" + displayAddr(ln.Addr().String())
	if cfg.Demo() {
		fmt.Fprintf(env.Stdout, "roomdesk DEMO mode: talking to the built-in emulator of Tencent's live API (set ROOMDESK_SDKAPPID for the real one)\n")
	}
	fmt.Fprintf(env.Stdout, "roomdesk is ready at %s\n", url)
	switch {
	case created && generated != "":
		fmt.Fprintf(env.Stdout, "Sign in as admin with password: %s\n(shown once; change it with `%s user passwd admin`)\n", generated, self)
	case created:
		fmt.Fprintf(env.Stdout, "Created user admin with the password from ROOMDESK_ADMIN_PASSWORD\n")
	default:
		fmt.Fprintf(env.Stdout, "Lost the admin password? Set a new one with `%s user passwd admin`, with the same ROOMDESK_* settings (data dir or database) as this server.\n", self)
	}
	logger.Info("ready", "url", url, "demo", cfg.Demo(), "startup", time.Since(start).Round(time.Millisecond))
	if env.Ready != nil {
		env.Ready(url)
	}
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s (ROOMDESK_METRICS_ADDR): %w", cfg.MetricsAddr, err)
		}
		mctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		defer func() { cancel(); <-done }()
		go func() {
			defer close(done)
			_ = server.Run(mctx, mln, a.MetricsHandler, server.Options{}, logger)
		}()
		logger.Info("metrics", "url", "http://"+displayAddr(mln.Addr().String())+"/metrics")
	}
	return server.Run(ctx, ln, a.Handler, server.Options{TrustedProxies: cfg.TrustedProxies}, logger)
}

// displayAddr makes a wildcard listen address clickable.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// selfCommand is the command that runs this program again, as its user
// typed it: "go run ." for a binary go run built in its temporary
// directory (which is gone when it exits), else the name it was started by.
func selfCommand(argv0 string) string {
	if strings.Contains(strings.ReplaceAll(argv0, `\`, "/"), "/go-build") {
		return "go run ."
	}
	if argv0 == "" {
		return "roomdesk"
	}
	return argv0
}
