package bulk

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/db"
)

// leaseClass is the first key of the PostgreSQL advisory locks that lease
// bulk jobs to one runner (the second key is the job id).
const leaseClass = 7244300

// lease is a runner's exclusive hold on one job.
//
// On PostgreSQL it is a session-level advisory lock held on a connection of
// its own for as long as the runner works the job. Several roomdesk
// instances sharing the database therefore never work one job at once,
// and an instance that dies loses its session and with it the lock: another
// instance then takes the job over and recovers the items left "sending".
// SQLite serves one process, whose single runner needs no lease.
type lease struct {
	conn *sql.Conn
	job  int64
}

// tryLease takes the job's lease, or reports that another runner holds it.
func (s *Service) tryLease(ctx context.Context, job int64) (*lease, bool, error) {
	if s.db.Dialect != db.Postgres {
		return &lease{job: job}, true, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("lease: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`,
		int32(leaseClass), int32(job)).Scan(&got); err != nil || !got {
		conn.Close()
		if err != nil {
			return nil, false, fmt.Errorf("lease: %w", err)
		}
		return nil, false, nil
	}
	return &lease{conn: conn, job: job}, true, nil
}

// release gives the job up. If the unlock cannot be sent, the connection is
// discarded rather than returned to the pool still holding the lock.
func (l *lease) release() {
	if l.conn == nil {
		return
	}
	_, err := l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, $2)`,
		int32(leaseClass), int32(l.job))
	if err != nil {
		l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	l.conn.Close()
}
