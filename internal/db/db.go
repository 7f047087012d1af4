// Package db opens roomdesk's one database, SQLite in the data dir or
// PostgreSQL, and brings its schema up to date with embedded, versioned
// migrations. Users, sessions, login throttling and the audit log all live in
// it. Queries use $1-style placeholders, which both drivers accept.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"               // registers "sqlite"
)

// Dialect names the SQL flavour behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a *sql.DB that knows its dialect. On SQLite it also holds the one
// connection that writes (see writer.go).
type DB struct {
	*sql.DB
	Dialect Dialect
	writer  *sql.DB // SQLite only: every write transaction and write statement
}

//go:embed all:migrations
var migrations embed.FS

// Options say which database to open. An empty URL means SQLite at
// DataDir/roomdesk.db.
type Options struct {
	URL     string
	DataDir string
	// SQLiteBusyTimeout is how long a SQLite connection waits for a lock
	// another process holds (default 10s). Tests set it near zero to show
	// that this process's writers never wait on SQLite's lock (writer.go).
	SQLiteBusyTimeout time.Duration
}

// Open opens the database, checks it answers, and applies pending migrations.
func Open(ctx context.Context, opts Options) (*DB, error) {
	d, err := open(opts)
	if err != nil {
		return nil, err
	}
	if err := d.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: connect: %w", err)
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// ValidateURL reports whether a ROOMDESK_DATABASE_URL is usable, without
// connecting.
func ValidateURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL")
	}
	switch u.Scheme {
	case "postgres", "postgresql":
		if u.Host == "" {
			return fmt.Errorf("postgres URL has no host")
		}
		return nil
	case "sqlite", "file":
		return nil
	}
	return fmt.Errorf("scheme %q is not postgres:// or sqlite://", u.Scheme)
}

func open(opts Options) (*DB, error) {
	if err := ValidateURL(opts.URL); err != nil {
		return nil, fmt.Errorf("db: %w", err)
	}
	if strings.HasPrefix(opts.URL, "postgres") {
		sdb, err := sql.Open("pgx", opts.URL)
		if err != nil {
			return nil, fmt.Errorf("db: %w", err)
		}
		sdb.SetMaxOpenConns(16)
		sdb.SetMaxIdleConns(16)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
		return &DB{DB: sdb, Dialect: Postgres}, nil
	}
	path := filepath.Join(opts.DataDir, "roomdesk.db")
	if opts.URL != "" {
		path = strings.TrimPrefix(strings.TrimPrefix(opts.URL, "sqlite://"), "file:")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("db: data dir: %w", err)
		}
	}
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("db: %w", err)
	}
	dsn := SQLiteDSN(path)
	if opts.SQLiteBusyTimeout > 0 {
		dsn = strings.Replace(dsn, "busy_timeout(10000)", fmt.Sprintf("busy_timeout(%d)", opts.SQLiteBusyTimeout.Milliseconds()), 1)
	}
	sdb, err := sql.Open("sqlite", dsn) // opens nothing yet: it gives the driver
	if err != nil {
		return nil, fmt.Errorf("db: %w", err)
	}
	drv, ok := sdb.Driver().(*sqlite.Driver)
	sdb.Close()
	if !ok {
		return nil, fmt.Errorf("db: the \"sqlite\" driver is %T, not modernc's", sdb.Driver())
	}
	// Connections that keep their prepared statements (stmtcache.go), for
	// the readers' pool and for the one writing connection (writer.go).
	sdb = sql.OpenDB(sqliteConnector{dsn: dsn, drv: drv})
	// WAL lets readers run beside the one writer; immediate transactions take
	// the write lock up front so two appenders never deadlock on upgrade.
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(8)
	w := sql.OpenDB(sqliteConnector{dsn: dsn, drv: drv})
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	return &DB{DB: sdb, Dialect: SQLite, writer: w}, nil
}

// ownerOnly creates the SQLite file 0600 before SQLite does (SQLite would
// use 0644, and gives its -wal and -shm files the main file's mode), and
// tightens files an older version left readable: they hold password
// hashes, TOTP seeds and the audit log, and the data dir may have been
// created 0755 by someone else (a container volume).
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
			return err
		}
	}
	return nil
}

// SQLiteDSN is the modernc DSN roomdesk uses. busy_timeout comes before WAL so
// switching the journal mode waits instead of failing; synchronous=FULL
// because a WAL commit with NORMAL can roll back on power loss, and audit rows
// must not.
func SQLiteDSN(path string) string {
	return "file:" + path +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)" +
		"&_txlock=immediate"
}

// migration is one versioned SQL file, NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

func (d *DB) migrations() ([]migration, error) {
	dir := "migrations/" + string(d.Dialect)
	ents, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range ents {
		n := e.Name()
		if !strings.HasSuffix(n, ".sql") {
			continue
		}
		v, err := strconv.Atoi(strings.SplitN(n, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("db: migration %s: name must start with a number", n)
		}
		b, err := fs.ReadFile(migrations, dir+"/"+n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: n, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("db: two migrations numbered %d", ms[i].version)
		}
	}
	return ms, nil
}

// Migrate applies every migration not yet recorded in schema_migrations, each
// in its own transaction. On PostgreSQL an advisory lock keeps several
// instances starting at once from racing.
func (d *DB) Migrate(ctx context.Context) error {
	ms, err := d.migrations()
	if err != nil {
		return err
	}
	conn, err := d.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	defer conn.Close()
	if d.Dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7244101)`); err != nil {
			return fmt.Errorf("db: migrate lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7244101)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("db: migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("db: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var coder interface{ SQLState() string }
	if errors.As(err, &coder) {
		return coder.SQLState() == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}
