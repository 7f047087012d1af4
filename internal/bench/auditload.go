package main

// Loading a synthetic audit log of any size, fast, with a valid chain: the
// fixture the audit benchmarks (audit.go) measure.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// columns is audit_log's column list, in sqlstore.Row's order.
var columns = sqlstore.Columns()

// tmpDB is a fresh, migrated database of one dialect, removed by drop.
type tmpDB struct {
	*db.DB
	path string // SQLite: the database file
	url  string // PostgreSQL: the database's URL
	drop func()
}

func openTemp(ctx context.Context, d db.Dialect, pgURL string) (*tmpDB, error) {
	return openDB(ctx, d, pgURL, "")
}

// openDB opens a fresh database, or with keep set the database of that
// name, created if missing and left in place by drop (the audit section's
// -keep-audit: a 1,000,000-row load takes minutes, so runs can share one).
func openDB(ctx context.Context, d db.Dialect, pgURL, keep string) (*tmpDB, error) {
	if d == db.SQLite {
		dir, err := os.MkdirTemp("", "roomdesk-bench-audit-")
		if keep != "" {
			dir = filepath.Join(os.TempDir(), keep)
			err = os.MkdirAll(dir, 0o700)
		}
		if err != nil {
			return nil, err
		}
		if keep != "" {
			conn, err := db.Open(ctx, db.Options{DataDir: dir})
			if err != nil {
				return nil, err
			}
			return &tmpDB{DB: conn, path: filepath.Join(dir, "roomdesk.db"), drop: func() { conn.Close() }}, nil
		}
		conn, err := db.Open(ctx, db.Options{DataDir: dir})
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		return &tmpDB{DB: conn, path: filepath.Join(dir, "roomdesk.db"), drop: func() { conn.Close(); os.RemoveAll(dir) }}, nil
	}
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "roomdesk_bench_" + hex.EncodeToString(b)
	exists := false
	if keep != "" {
		name = keep
		if err := admin.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
			admin.Close()
			return nil, err
		}
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			admin.Close()
			return nil, err
		}
	}
	u, _ := url.Parse(pgURL)
	u.Path = "/" + name
	conn, err := db.Open(ctx, db.Options{URL: u.String()})
	drop := func() {
		if conn != nil {
			conn.Close()
		}
		if keep == "" {
			admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}
		admin.Close()
	}
	if err != nil {
		drop()
		return nil, err
	}
	return &tmpDB{DB: conn, url: u.String(), drop: drop}, nil
}

// synth builds a realistic log: mostly room updates (intent then result),
// some logins and other events, a few intents left without a result.
type synth struct {
	n     int
	start time.Time
}

const (
	synthRooms  = 5000
	synthActors = 50
)

func (s synth) entry(i int, prevIntent int64) audit.Entry {
	// i is 0-based; rows come in units decided by i's hash so the pattern
	// is deterministic but not periodic.
	h := uint64(i)*0x9E3779B97F4A7C15 ^ uint64(i)>>7
	actor := fmt.Sprintf("operator%02d", h%synthActors)
	e := audit.Entry{
		Time: s.start.Add(time.Duration(i) * 50 * time.Millisecond), Actor: actor, ActorRole: "operator",
		ClientIP:  fmt.Sprintf("10.0.%d.%d", h%7, h%251),
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
	}
	room := fmt.Sprintf("live_%05d", (h>>8)%synthRooms)
	switch {
	case prevIntent > 0: // the result of the intent just written
		e.Kind, e.IntentSeq, e.Action, e.RoomID = audit.KindResult, prevIntent, audit.ActionRoomUpdate, room
		e.RequestID = fmt.Sprintf("req-%d", i)
		e.Attempts, e.LatencyMS = 1, int64(20+h%80)
		switch h % 100 {
		case 0:
			e.Outcome, e.Detail = audit.OutcomeUnknown, "tencent: update_room_info: unreachable after 3 attempts"
		case 1, 2, 3:
			e.Outcome, e.ActionStatus, e.ErrorCode, e.ErrorInfo = audit.OutcomeFailed, "FAIL", tencent.CodeNotPermitted, "room type is not Live"
		default:
			e.Outcome, e.ActionStatus = audit.OutcomeOK, "OK"
			e.ResponseBody = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"` + e.RequestID + `"}`
		}
	case h%100 < 80:
		e.Kind, e.Action, e.RoomID, e.Outcome = audit.KindIntent, audit.ActionRoomUpdate, room, audit.OutcomePending
		e.Changes = []audit.Change{{Field: "RoomName", Before: `"old name ` + room + `"`, After: `"new name ` + room + `"`}}
		e.RequestBody = `{"RoomInfo":{"RoomId":"` + room + `","RoomName":"new name ` + room + `"}}`
	case h%100 < 95:
		e.Kind, e.Action, e.Outcome = audit.KindEvent, audit.ActionLogin, audit.OutcomeOK
	default:
		e.Kind, e.Action, e.Outcome, e.Detail = audit.KindEvent, audit.ActionLoginFailed, audit.OutcomeDenied, "wrong password"
	}
	return e
}

// generate calls fn with n chained entries (seq 1..n), in batches.
func (s synth) generate(batch int, fn func([]audit.Entry) error) error {
	prev := audit.GenesisHash
	buf := make([]audit.Entry, 0, batch)
	var openIntent int64
	for i := range s.n {
		e := s.entry(i, openIntent)
		openIntent = 0
		// 1 intent in 1000 never gets its result (a crash); otherwise the
		// next row answers it.
		if e.Kind == audit.KindIntent && i%1000 != 999 && i+1 < s.n {
			openIntent = int64(i + 1)
		}
		e.Seq = int64(i + 1)
		audit.Normalize(&e)
		e.PrevHash = prev
		e.Hash = audit.ComputeHash(prev, e)
		prev = e.Hash
		buf = append(buf, e)
		if len(buf) == batch {
			if err := fn(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		return fn(buf)
	}
	return nil
}

// load writes n synthetic rows with a valid chain, and audit_open for the
// intents left without a result.
func load(ctx context.Context, d *db.DB, s synth) error {
	if d.Dialect == db.Postgres {
		return loadPostgres(ctx, d, s)
	}
	return loadSQLite(ctx, d, s)
}

func loadSQLite(ctx context.Context, d *db.DB, s synth) error {
	const per = 50 // rows per INSERT: ?-numbered, so no $N lookup cost
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + ")"
	stmtFor := func(k int) string {
		return "INSERT INTO audit_log (" + strings.Join(columns, ",") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(one+",", k), ",")
	}
	conn, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// A bulk load may skip the per-commit fsync; the figures measured
	// afterwards read, they do not depend on it.
	conn.ExecContext(ctx, "PRAGMA synchronous=OFF")
	defer conn.ExecContext(ctx, "PRAGMA synchronous=FULL")
	full, err := conn.PrepareContext(ctx, stmtFor(per))
	if err != nil {
		return err
	}
	defer full.Close()
	return s.generate(20000, func(es []audit.Entry) error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		st := tx.StmtContext(ctx, full)
		args := make([]any, 0, per*len(columns))
		for start := 0; start < len(es); start += per {
			end := min(start+per, len(es))
			args = args[:0]
			for i := start; i < end; i++ {
				args = append(args, sqlstore.Row(&es[i])...)
			}
			if end-start == per {
				_, err = st.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, stmtFor(end-start), args...)
			}
			if err != nil {
				return err
			}
		}
		if err := insertOpen(ctx, tx, es, s.n); err != nil {
			return err
		}
		return tx.Commit()
	})
}

// insertOpen records the batch's intents that no row answers: the
// generator answers every intent in the next row except every 1000th row's
// and the last row's.
func insertOpen(ctx context.Context, tx *sql.Tx, es []audit.Entry, n int) error {
	for _, e := range es {
		if isOpen(e, n) {
			if _, err := tx.ExecContext(ctx, "INSERT INTO audit_open (seq) VALUES ($1)", e.Seq); err != nil {
				return err
			}
		}
	}
	return nil
}

func isOpen(e audit.Entry, n int) bool {
	return e.Kind == audit.KindIntent && (e.Seq%1000 == 0 || e.Seq == int64(n))
}

func loadPostgres(ctx context.Context, d *db.DB, s synth) error {
	conn, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if _, err := pc.Exec(ctx, "SET synchronous_commit = off"); err != nil {
			return err
		}
		err := s.generate(50000, func(es []audit.Entry) error {
			tx, err := pc.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			rows := make([][]any, len(es))
			for i := range es {
				rows[i] = sqlstore.Row(&es[i])
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, columns, pgx.CopyFromRows(rows)); err != nil {
				return err
			}
			var open [][]any
			for _, e := range es {
				if isOpen(e, s.n) {
					open = append(open, []any{e.Seq})
				}
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_open"}, []string{"seq"}, pgx.CopyFromRows(open)); err != nil {
				return err
			}
			return tx.Commit(ctx)
		})
		if err != nil {
			return err
		}
		_, err = pc.Exec(ctx, "ANALYZE audit_log; ANALYZE audit_open")
		return err
	})
}
