package catalogue

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"hash/fnv"

	"github.com/roomdesk/roomdesk/internal/db"
)

// leaseClass is the first key of the PostgreSQL advisory locks that lease
// an app's sweep to one instance (the second key is a hash of the app id);
// the bulk runner's leases use 7244300.
const leaseClass = 7244301

// lease is an instance's hold on one app's sweep, built like the bulk
// runner's (internal/bulk/lease.go): a session-level advisory lock on a
// connection of its own for as long as the sweep runs. An instance that
// dies loses its session and the lock; another then resumes the sweep from
// the cursor it left in catalogue_sync. SQLite serves one process.
type lease struct {
	conn *sql.Conn
	key  int32
}

func leaseKey(app string) int32 {
	h := fnv.New32a()
	h.Write([]byte(app))
	return int32(h.Sum32())
}

// tryLease takes the app's sweep lease, or reports that another holds it.
func (s *Store) tryLease(ctx context.Context, app string) (*lease, bool, error) {
	if s.db.Dialect != db.Postgres {
		return &lease{}, true, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("catalogue: lease: %w", err)
	}
	key := leaseKey(app)
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, int32(leaseClass), key).Scan(&got); err != nil || !got {
		conn.Close()
		if err != nil {
			return nil, false, fmt.Errorf("catalogue: lease: %w", err)
		}
		return nil, false, nil
	}
	return &lease{conn: conn, key: key}, true, nil
}

// release gives the lease up; a connection whose unlock could not be sent
// is discarded rather than returned to the pool still holding the lock.
func (l *lease) release() {
	if l.conn == nil {
		return
	}
	if _, err := l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, int32(leaseClass), l.key); err != nil {
		l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	l.conn.Close()
}
