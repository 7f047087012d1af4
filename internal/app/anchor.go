package app

import (
	"context"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
)

// startCheckpoints loads (or, without ROOMDESK_AUDIT_SIGNING_KEY_FILE,
// generates into the data dir) the checkpoint signing key, brings the
// Merkle tree of an upgraded database up to date, and signs a checkpoint
// every interval while the log grows.
func (a *App) startCheckpoints(ctx context.Context, log *sqlstore.Store) error {
	cfg := a.Config.Audit
	path, generated := cfg.KeyFile(a.Config.DataDir)
	key, created, err := audit.LoadOrCreateSigningKey(path, generated)
	if err != nil {
		return err
	}
	if created {
		a.Logger.Warn("generated an audit checkpoint signing key", "path", path)
	}
	if generated {
		// At every start, not only the first: it stays true until moved.
		a.Logger.Warn(audit.GeneratedKeyWarning(path, key.Public))
	}
	a.Logger.Info("audit checkpoints", "public_key", key.Public, "dir", cfg.CheckpointDir,
		"interval", cfg.CheckpointInterval.String(), "witness", cfg.WitnessURL != "")
	if err := log.SyncTree(ctx); err != nil {
		return err
	}
	a.Checkpoints = &audit.Checkpointer{Log: log, Key: key, Dir: cfg.CheckpointDir,
		Witness: cfg.WitnessURL, Now: a.now, Logger: a.Logger}
	a.Metrics.WatchCheckpointAge(func() (time.Duration, bool) {
		cp, ok, err := a.Checkpoints.Latest()
		return cp.Age(a.now()), ok && err == nil
	})
	if cfg.CheckpointInterval <= 0 {
		return nil
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Checkpoints.Run(runCtx, cfg.CheckpointInterval) }()
	a.stopAnchor = func() { cancel(); <-done }
	return nil
}
