package sqlstore_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// An export whose read fails midway (PostgreSQL: the server ends its
// session; either dialect: the request is cancelled) never ends as a
// partial file without an error (the console aborts the download on one).
// The fault may land after the last row was read (the driver had them all
// buffered): then the export is whole, and that is right too.
func TestExportFailsMidway(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			conn := dbtest.Open(t, d)
			s := sqlstore.New(conn)
			ctx := context.Background()
			const rows = 700 // past a few flushes (every 200 records)
			for i := range rows {
				e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionAuditExport, Outcome: audit.OutcomeOK,
					Actor: "auditor", Detail: fmt.Sprintf("row %d %s", i, strings.Repeat("d", 2000))}
				if err := s.Append(ctx, &e); err != nil {
					t.Fatal(err)
				}
			}
			for _, format := range []string{"csv", "jsonl"} {
				for _, how := range []string{"cancelled", "session ended"} {
					if how == "session ended" && d != db.Postgres {
						continue
					}
					ectx, cancel := context.WithCancel(ctx)
					admin, err := conn.Conn(ctx) // its own session, not the export's
					if err != nil {
						t.Fatal(err)
					}
					flushes := 0
					n, err := audit.Export(ectx, s, audit.Filter{}, format, io.Discard, func() {
						if flushes++; flushes > 1 {
							return
						}
						if how == "cancelled" {
							cancel()
							return
						}
						// Client sessions only: an autovacuum worker on this
						// database is a superuser's, which may not be ended.
						if _, err := admin.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
							WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`); err != nil {
							t.Error(err)
						}
					})
					cancel()
					admin.Close()
					if err == nil && n != rows {
						t.Errorf("%s, %s: %d of %d records and no error", format, how, n, rows)
					}
					t.Logf("%s, %s: %d of %d records, %v", format, how, n, rows, err)
				}
			}
		})
	}
}
