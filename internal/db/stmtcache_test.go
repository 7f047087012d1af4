package db

import (
	"context"
	"fmt"
	"testing"
)

// TestStmtCache: a SQLite connection runs a query's prepared statement
// again instead of preparing it afresh; a query run while the cached
// statement's rows are still open gets a statement of its own; the cache
// stays bounded; and results are right throughout.
func TestStmtCache(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	conn, err := d.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cache := func() (n int, first *cachedStmt) {
		conn.Raw(func(dc any) error {
			c := dc.(*stmtCacheConn)
			n = len(c.stmts)
			first = c.stmts["SELECT $1 + 1"]
			return nil
		})
		return n, first
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE t (v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	var seen *cachedStmt
	for i := range 5 {
		var v int
		if err := conn.QueryRowContext(ctx, "SELECT $1 + 1", i).Scan(&v); err != nil || v != i+1 {
			t.Fatalf("SELECT %d + 1 = %d, %v", i, v, err)
		}
		_, s := cache()
		if s == nil || (seen != nil && s != seen) || s.busy {
			t.Fatalf("run %d: cached statement %p (busy %v), first run's %p", i, s, s != nil && s.busy, seen)
		}
		seen = s
	}
	// Nested: the same text while its rows are open.
	for i := range 3 {
		if _, err := conn.ExecContext(ctx, "INSERT INTO t (v) VALUES ($1)", i); err != nil {
			t.Fatal(err)
		}
	}
	outer, err := conn.QueryContext(ctx, "SELECT v FROM t ORDER BY v")
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for outer.Next() {
		var v int
		if err := outer.Scan(&v); err != nil {
			t.Fatal(err)
		}
		inner, err := conn.QueryContext(ctx, "SELECT v FROM t ORDER BY v")
		if err != nil {
			t.Fatalf("the same query while its rows are open: %v", err)
		}
		for inner.Next() {
			var w int
			inner.Scan(&w)
			sum += v * w
		}
		inner.Close()
	}
	if err := outer.Err(); err != nil || sum != 9 {
		t.Fatalf("nested sum %d (want 9), %v", sum, err)
	}
	outer.Close()
	// Bounded: many distinct texts.
	for i := range 2 * maxCachedStmts {
		var v int
		if err := conn.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&v); err != nil || v != i {
			t.Fatalf("SELECT %d = %d, %v", i, v, err)
		}
	}
	if n, _ := cache(); n > maxCachedStmts {
		t.Errorf("%d statements cached, bound %d", n, maxCachedStmts)
	}
}
