package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"

	"modernc.org/sqlite"
)

// SQLite parses every query afresh: modernc's driver prepares, runs and
// finalizes a statement per call, and parsing was 11% of the server's CPU
// in an edit (docs/BENCHMARKS.md, figure 1). So each SQLite connection
// keeps the statements it has prepared, keyed by their text, and runs them
// again: database/sql, seeing no Queryer/Execer on the connection, prepares
// (here: takes from the cache), runs and closes (here: returns to the
// cache). modernc resets a reused statement when its rows close.
// PostgreSQL needs none of this: pgx caches prepared statements itself.

const (
	// maxCachedStmts bounds the statements one connection keeps. Queries
	// whose text varies (IN lists, multi-row inserts) take the slots left
	// by the fixed ones; an evicted statement is finalized.
	maxCachedStmts = 128
	// maxCachedSQL leaves out long texts: large multi-row inserts, scripts.
	maxCachedSQL = 4096
)

// sqliteConnector opens modernc connections wrapped in stmtCacheConn.
type sqliteConnector struct {
	dsn string
	drv *sqlite.Driver
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	dc, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	inner, ok := dc.(sqliteConn)
	if !ok {
		dc.Close()
		return nil, errors.New("db: the SQLite driver's connection lacks an expected method")
	}
	return &stmtCacheConn{inner: inner, stmts: map[string]*cachedStmt{}}, nil
}

func (c sqliteConnector) Driver() driver.Driver { return c.drv }

// sqliteConn is what database/sql uses of a modernc connection, apart from
// Queryer and Execer, which the cache must not offer.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.SessionResetter
	driver.Validator
	driver.Pinger
}

type stmtCacheConn struct {
	inner sqliteConn
	mu    sync.Mutex // database/sql uses a conn from one goroutine at a time; cheap insurance
	stmts map[string]*cachedStmt
}

// cachedStmt is a statement of the cache (or, when the cached one is in
// use, say by a query whose rows are still open, a one-off).
type cachedStmt struct {
	driver.Stmt
	conn   *stmtCacheConn
	cached bool
	busy   bool
}

func (c *stmtCacheConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	c.mu.Lock()
	if s := c.stmts[q]; s != nil && !s.busy {
		s.busy = true
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	st, err := c.inner.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s := &cachedStmt{Stmt: st, conn: c, busy: true}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stmts[q] == nil && len(q) <= maxCachedSQL {
		if len(c.stmts) >= maxCachedStmts {
			c.evictOne()
		}
		if len(c.stmts) < maxCachedStmts {
			s.cached = true
			c.stmts[q] = s
		}
	}
	return s, nil
}

// evictOne finalizes one idle statement (any: Go's map order is random
// enough for a cache this size). Called with c.mu held.
func (c *stmtCacheConn) evictOne() {
	for q, s := range c.stmts {
		if !s.busy {
			delete(c.stmts, q)
			s.Stmt.Close()
			return
		}
	}
}

func (c *stmtCacheConn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

// Close returns a cached statement to the cache; a one-off is finalized.
func (s *cachedStmt) Close() error {
	s.conn.mu.Lock()
	defer s.conn.mu.Unlock()
	if s.cached {
		s.busy = false
		return nil
	}
	return s.Stmt.Close()
}

func (s *cachedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *cachedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

// Close finalizes every cached statement, then closes the connection.
func (c *stmtCacheConn) Close() error {
	c.mu.Lock()
	for q, s := range c.stmts {
		delete(c.stmts, q)
		s.Stmt.Close()
	}
	c.mu.Unlock()
	return c.inner.Close()
}

// Begin is driver.Conn's; database/sql uses BeginTx.
func (c *stmtCacheConn) Begin() (driver.Tx, error) {
	return c.inner.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *stmtCacheConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner.BeginTx(ctx, opts)
}

func (c *stmtCacheConn) ResetSession(ctx context.Context) error { return c.inner.ResetSession(ctx) }
func (c *stmtCacheConn) IsValid() bool                          { return c.inner.IsValid() }
func (c *stmtCacheConn) Ping(ctx context.Context) error         { return c.inner.Ping(ctx) }
