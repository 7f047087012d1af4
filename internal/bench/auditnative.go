package main

import (
	"context"
	"errors"
	"os/exec"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/roomdesk/roomdesk/internal/db"
)

// joinedRecords is the record query (every record, its result joined on,
// every column of both, newest first): what the export read until it
// stopped joining, dumped for comparison.
const joinedRecords = "SELECT i.*, r.* FROM audit_log i LEFT JOIN audit_log r ON r.intent_seq = i.seq" +
	" WHERE i.kind <> 'result' ORDER BY i.seq DESC"

// nativeCSV times the database's own CSV dump of query: the sqlite3 shell
// in CSV mode, or PostgreSQL's COPY (query) TO STDOUT WITH CSV.
// cpu is the sqlite3 shell's CPU time (0 for PostgreSQL, whose server's
// is not ours to see).
func nativeCSV(ctx context.Context, t *tmpDB, query string) (took, cpu time.Duration, bytes int64, how string, err error) {
	var cw countWriter
	if t.Dialect == db.SQLite {
		bin, err := exec.LookPath("sqlite3")
		if err != nil {
			return 0, 0, 0, "", errors.New("no sqlite3 shell (apt-get install sqlite3)")
		}
		cmd := exec.CommandContext(ctx, bin, "-readonly", "-csv", t.path, query)
		cmd.Stdout = &cw
		t0 := time.Now()
		err = cmd.Run()
		took := time.Since(t0)
		if err == nil {
			cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		return took, cpu, cw.n, "the sqlite3 shell (-csv)", err
	}
	conn, err := pgx.Connect(ctx, t.url)
	if err != nil {
		return 0, 0, 0, "", err
	}
	defer conn.Close(ctx)
	t0 := time.Now()
	_, err = conn.PgConn().CopyTo(ctx, &cw, "COPY ("+query+") TO STDOUT WITH CSV")
	return time.Since(t0), 0, cw.n, "COPY ... TO STDOUT WITH CSV", err
}
