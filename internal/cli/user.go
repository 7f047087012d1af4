package cli

import (
	"context"
	"log/slog"

	"github.com/roomdesk/roomdesk/internal/audit/auditcli"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/db"
)

// runUser manages console users in the configured database.
func runUser(ctx context.Context, args []string, env Env) error {
	cfg, err := loadConfig(nil, env)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer d.Close()
	svc := auth.NewService(d, sqlstore.New(d), auth.Options{Logger: newLogger(cfg, env.Stderr)})
	return auth.RunUserCommand(ctx, svc, args, env.Stdin, env.Stdout, env.Stderr)
}

// runAudit verifies or exports the audit log.
func runAudit(ctx context.Context, args []string, env Env) error {
	cfg, err := loadConfig(nil, env)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer d.Close()
	return auditcli.Run(ctx, sqlstore.New(d), args, env.Stdout, env.Stderr)
}

func newLoggerLevel(w interface{ Write([]byte) (int, error) }) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}
