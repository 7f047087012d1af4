package cli

import (
	"context"

	"github.com/roomdesk/roomdesk/internal/audit/auditcli"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/db"
)

// runUser manages console users in the configured database.
func runUser(ctx context.Context, args []string, env Env) error {
	cfg, d, err := openDB(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()
	svc := auth.NewService(d, sqlstore.New(d), auth.Options{Logger: newLogger(cfg, env.Stderr)})
	return auth.RunUserCommand(ctx, svc, args, env.Stdin, env.Stdout, env.Stderr)
}

// runAudit verifies or exports the audit log.
func runAudit(ctx context.Context, args []string, env Env) error {
	_, d, err := openDB(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()
	return auditcli.Run(ctx, sqlstore.New(d), args, env.Stdout, env.Stderr)
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
