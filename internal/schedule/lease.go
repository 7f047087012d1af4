package schedule

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"

	"github.com/roomdesk/roomdesk/internal/db"
)

// leaseClass is the first key of the PostgreSQL advisory locks that lease
// steps to one runner (the second key is the step id); the bulk runner's
// is 7244300.
const leaseClass = 7244314

// leases is a runner's hold on the steps it is running, built like the
// bulk runner's lease (internal/bulk/lease.go): on PostgreSQL, session-level
// advisory locks, one per step, taken on one connection of the runner's
// own for as long as it runs them. Instances sharing the database never
// run one step at once, and an instance that dies loses its session and
// its locks with it: another instance then takes its steps over and
// re-reads each room before deciding. SQLite serves one process, whose
// runner needs no lease. One connection per runner, not per step, so
// the workers never starve the pool.
type leases struct {
	mu   sync.Mutex // the workers share the connection, one statement at a time
	conn *sql.Conn  // nil on SQLite
}

// openLeases returns the runner's lease holder; close it when done.
func (s *Service) openLeases(ctx context.Context) (*leases, error) {
	if s.db.Dialect != db.Postgres {
		return &leases{}, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("schedule: lease: %w", err)
	}
	return &leases{conn: conn}, nil
}

// try takes step id's lease, or reports that another runner holds it.
func (l *leases) try(ctx context.Context, id int64) (bool, error) {
	if l.conn == nil {
		return true, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var got bool
	if err := l.conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`,
		int32(leaseClass), int32(id)).Scan(&got); err != nil {
		return false, fmt.Errorf("schedule: lease: %w", err)
	}
	return got, nil
}

// release gives step id up.
func (l *leases) release(id int64) {
	if l.conn != nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, int32(leaseClass), int32(id))
	}
}

// close gives every lease up. If that cannot be sent, the connection is
// discarded rather than returned to the pool still holding locks.
func (l *leases) close() {
	if l.conn == nil {
		return
	}
	if _, err := l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock_all()`); err != nil {
		l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	l.conn.Close()
}
