package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/roomdesk/roomdesk/internal/db"
)

// Instances on one PostgreSQL share one app's quota at Tencent. Each
// heartbeats every quotaBeat and paces itself at 1/n of the client's rates,
// n being the instances that beat within quotaAlive. An instance that
// stops cleanly removes its row; one that dies drops out after quotaAlive,
// and until the others notice a newcomer (one beat), the app may briefly
// go over its quota: the client retries the 60007s that causes.
const (
	quotaBeat  = 5 * time.Second
	quotaAlive = 3 * quotaBeat
)

// shareQuota starts the heartbeat. It does nothing on SQLite (one process)
// or when every app's rate is fixed by hand (ROOMDESK_TENCENT_RATE, or
// "rate" in the apps file). Each app has its own quota at Tencent, so each
// app's client is divided by the instances on its own (apps.Registry.Share).
func (a *App) shareQuota() {
	if a.DB.Dialect != db.Postgres || !a.Apps.Shared() {
		return
	}
	b := make([]byte, 8)
	rand.Read(b)
	a.instanceID = hex.EncodeToString(b)
	a.beat(context.Background())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(quotaBeat)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				a.beat(ctx)
			}
		}
	}()
	a.stopQuota = func() {
		cancel()
		<-done
		dctx, dcancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer dcancel()
		a.DB.ExecContext(dctx, `DELETE FROM instances WHERE id = $1`, a.instanceID)
	}
}

// beat records this instance as alive and re-divides the quota. A failed
// beat keeps the current share: the database being away is no reason to
// speed up.
func (a *App) beat(ctx context.Context) {
	now := a.now().UnixMicro()
	if _, err := a.DB.ExecContext(ctx, `INSERT INTO instances (id, started_us, heartbeat_us) VALUES ($1, $2, $2)
		ON CONFLICT (id) DO UPDATE SET heartbeat_us = excluded.heartbeat_us`, a.instanceID, now); err != nil {
		a.Logger.Warn("quota heartbeat failed", "err", err)
		return
	}
	var n int
	if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM instances WHERE heartbeat_us >= $1`,
		now-quotaAlive.Microseconds()).Scan(&n); err != nil {
		a.Logger.Warn("quota heartbeat failed", "err", err)
		return
	}
	if n != a.instances {
		a.Logger.Info("sharing Tencent's quota", "instances", n)
		a.instances = n
	}
	a.Apps.Share(n)
}
