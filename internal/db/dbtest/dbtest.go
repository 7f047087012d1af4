// Package dbtest gives tests a fresh, migrated database of each dialect.
//
// SQLite always runs. PostgreSQL runs when ROOMDESK_TEST_DATABASE_URL points
// at a server where that role may CREATE DATABASE; each call gets a database
// of its own, dropped when the test ends. Without the variable the PostgreSQL
// half is skipped and says so, except under CI=true, where a missing database
// fails the test: CI must never report a skipped check as passing. Under
// -short (`make test-short`) the PostgreSQL half is skipped and says so.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/db"
)

// EnvURL names the variable holding the PostgreSQL test server's URL.
const EnvURL = "ROOMDESK_TEST_DATABASE_URL"

// Dialects lists the dialects to run a contract suite on.
var Dialects = []db.Dialect{db.SQLite, db.Postgres}

// Open returns a fresh migrated database of the given dialect.
func Open(t testing.TB, d db.Dialect) *db.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	opts := db.Options{DataDir: t.TempDir()}
	if d == db.Postgres {
		opts.URL = NewPostgresDatabase(t)
	}
	conn, err := db.Open(ctx, opts)
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", d, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// NewPostgresDatabase creates an empty database on the test server and
// returns its URL; it is dropped at cleanup.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("dbtest: PostgreSQL half skipped under -short; `make test` runs it")
	}
	base := os.Getenv(EnvURL)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("dbtest: %s is not set under CI; .ci/run must start PostgreSQL", EnvURL)
		}
		t.Skipf("dbtest: PostgreSQL half skipped: set %s (see README) to run it", EnvURL)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "roomdesk_t_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}
