package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// Another process (the CLI, an operator's sqlite3 shell, a newer roomdesk
// migrating) may change the schema under a running server. A statement
// the cache keeps must then read the new schema, not the one it was
// prepared against: a column added shows in SELECT *, and a dropped table
// is an error, never stale rows.
func TestStmtCacheSeesAnotherProcessSchemaChange(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, "CREATE TABLE probe (a INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, "INSERT INTO probe (a) VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	cols := func() []string {
		t.Helper()
		rows, err := d.QueryContext(ctx, "SELECT * FROM probe")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		c, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for range 3 { // cached on every pooled connection it ran on
		if c := cols(); len(c) != 1 {
			t.Fatalf("columns %v", c)
		}
	}
	other, err := sql.Open("sqlite", SQLiteDSN(filepath.Join(dir, "roomdesk.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, "ALTER TABLE probe ADD COLUMN b TEXT DEFAULT 'x'"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if c := cols(); len(c) != 2 || c[1] != "b" {
			t.Fatalf("after another connection's ALTER TABLE: columns %v, want [a b]", c)
		}
	}
	var b string
	if err := d.QueryRowContext(ctx, "SELECT b FROM probe WHERE a = $1", 1).Scan(&b); err != nil || b != "x" {
		t.Fatalf("new column: %q %v", b, err)
	}
	if _, err := other.ExecContext(ctx, "DROP TABLE probe"); err != nil {
		t.Fatal(err)
	}
	if rows, err := d.QueryContext(ctx, "SELECT * FROM probe"); err == nil {
		n := 0
		for rows.Next() {
			n++
		}
		err = rows.Err()
		rows.Close()
		if err == nil {
			t.Fatalf("a dropped table still read (%d rows) through a cached statement", n)
		}
	}
}
