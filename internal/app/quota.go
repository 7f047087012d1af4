package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"time"

	"github.com/roomdesk/roomdesk/internal/db"
)

// Instances on one PostgreSQL share each app's quota at Tencent. Each
// heartbeats every quotaBeat, recording the apps it serves (instance_apps),
// and paces each app at 1/n of its client's rates, n being the instances
// serving that app that beat within quotaAlive: instances may load
// different apps files, and an app's quota is shared only by the instances
// that call it. An instance that
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
// app's client is divided by the instances serving it (apps.Registry.Share).
// Only apps whose pace is shared are recorded: a fixed rate is the
// operator's own division of the quota.
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
		// instance_apps rows go with the instance (ON DELETE CASCADE).
		a.DB.ExecContext(dctx, `DELETE FROM instances WHERE id = $1`, a.instanceID)
	}
}

// beat records this instance and its apps as alive and re-divides each
// app's quota. A failed beat keeps the current shares: the database being
// away is no reason to speed up.
func (a *App) beat(ctx context.Context) {
	n, err := a.liveInstances(ctx)
	if err != nil {
		a.Logger.Warn("quota heartbeat failed", "err", err)
		return
	}
	if !maps.Equal(n, a.instances) {
		a.Logger.Info("sharing Tencent's quota", "instances_per_app", fmt.Sprint(n))
		a.instances = n
	}
	a.Apps.Share(n)
}

// liveInstances writes this instance's heartbeat and apps, and counts, per
// app, the instances serving it that beat within quotaAlive. The apps are
// re-recorded on every beat, so a beat that failed at start is made good.
func (a *App) liveInstances(ctx context.Context) (map[string]int, error) {
	now := a.now().UnixMicro()
	tx, err := a.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO instances (id, started_us, heartbeat_us) VALUES ($1, $2, $2)
		ON CONFLICT (id) DO UPDATE SET heartbeat_us = excluded.heartbeat_us`, a.instanceID, now); err != nil {
		return nil, err
	}
	for _, app := range a.Apps.SharedIDs() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO instance_apps (instance_id, app) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, a.instanceID, app); err != nil {
			return nil, err
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT ia.app, COUNT(*) FROM instance_apps ia
		JOIN instances i ON i.id = ia.instance_id WHERE i.heartbeat_us >= $1 GROUP BY ia.app`,
		now-quotaAlive.Microseconds())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := map[string]int{}
	for rows.Next() {
		var app string
		var count int
		if err := rows.Scan(&app, &count); err != nil {
			return nil, err
		}
		n[app] = count
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return n, tx.Commit()
}
