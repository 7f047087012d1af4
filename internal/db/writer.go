package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// SQLite has one write lock per database file, and a connection that finds
// it taken polls for it (busy_timeout: sleeps of up to 100 ms, for at most
// 10 s). Under a steady stream of writes (edits' audit appends, the
// catalogue's writer, a sweep's pages) a poller can sleep through every
// moment the lock is free and give up with SQLITE_BUSY, and the lock sits
// idle while the pollers sleep. So on SQLite every write goes through one
// connection of its own (DB.writer): writers queue for it in Go, in turn
// and woken at once, and within this process none ever waits on SQLite's
// lock. busy_timeout still covers other processes (the roomdesk CLI).
//
// Reads keep the pool of eight connections, which WAL lets run beside the
// writer. A write transaction must not, while open, start another write
// through the DB (it would wait for itself); the transaction is the place
// for all of its writes.

// BeginTx starts a transaction; on SQLite a read-write one runs on the
// writing connection (BEGIN IMMEDIATE, see SQLiteDSN).
func (d *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	if d.writer != nil && (opts == nil || !opts.ReadOnly) {
		return d.writer.BeginTx(ctx, opts)
	}
	return d.DB.BeginTx(ctx, opts)
}

// ExecContext runs a statement; on SQLite on the writing connection, as
// statements run with Exec write (or set the writer's pragmas).
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if d.writer != nil {
		return d.writer.ExecContext(ctx, query, args...)
	}
	return d.DB.ExecContext(ctx, query, args...)
}

// QueryContext runs a query; on SQLite one that writes (INSERT … RETURNING
// and the like) runs on the writing connection.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if d.writer != nil && writes(query) {
		return d.writer.QueryContext(ctx, query, args...)
	}
	return d.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext is QueryContext for one row.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if d.writer != nil && writes(query) {
		return d.writer.QueryRowContext(ctx, query, args...)
	}
	return d.DB.QueryRowContext(ctx, query, args...)
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.DB.Close()
	if d.writer != nil {
		err = errors.Join(err, d.writer.Close())
	}
	return err
}

// writes says whether a statement changes the database: by its first word
// after any comments and parentheses, and for a WITH by the words of the
// statement its common table expressions lead to. A read whose text
// merely names INSERT, UPDATE, DELETE or REPLACE as a word (in a string,
// say) then runs on the writer: slower, never wrong. A write taken for a
// read would be: it would wait on SQLite's lock outside the queue.
func writes(query string) bool {
	q := skipComments(query)
	word := firstWord(q)
	switch strings.ToUpper(word) {
	case "INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT":
		return true
	case "WITH":
		for rest := q[len(word):]; rest != ""; {
			rest = skipComments(rest)
			w := firstWord(rest)
			switch strings.ToUpper(w) {
			case "INSERT", "UPDATE", "DELETE", "REPLACE":
				return true
			}
			if w == "" {
				w = rest[:1] // punctuation, a quote: step over it
			}
			rest = rest[len(w):]
		}
	}
	return false
}

// skipComments drops leading white space, parentheses and SQL comments.
func skipComments(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n(")
		switch {
		case strings.HasPrefix(q, "--"):
			if i := strings.IndexByte(q, '\n'); i >= 0 {
				q = q[i+1:]
				continue
			}
			return ""
		case strings.HasPrefix(q, "/*"):
			if i := strings.Index(q, "*/"); i >= 0 {
				q = q[i+2:]
				continue
			}
			return ""
		}
		return q
	}
}

// firstWord is q's leading run of letters, digits and underscores.
func firstWord(q string) string {
	i := 0
	for i < len(q) && (q[i] == '_' || 'a' <= q[i]|0x20 && q[i]|0x20 <= 'z' || '0' <= q[i] && q[i] <= '9') {
		i++
	}
	return q[:i]
}
