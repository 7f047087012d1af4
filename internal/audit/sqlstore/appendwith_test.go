package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// AppendWith commits the caller's writes and the entry together; the
// caller's failure undoes only its own writes; the entry's failure undoes
// both.
func TestAppendWith(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dbh := dbtest.Open(t, d)
			s := sqlstore.New(dbh)
			if _, err := dbh.ExecContext(ctx, `CREATE TABLE side (n INTEGER NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			sides := func() int {
				var n int
				if err := dbh.QueryRowContext(ctx, `SELECT COUNT(*) FROM side`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			write := func(ctx context.Context, tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO side (n) VALUES (1)`)
				return err
			}

			e := &audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
			withErr, err := s.AppendWith(ctx, e, write)
			if err != nil || withErr != nil {
				t.Fatalf("AppendWith = %v, %v", withErr, err)
			}
			if e.Seq != 1 || e.Hash == "" || sides() != 1 {
				t.Fatalf("after AppendWith: seq %d, hash %q, %d side rows; want 1, a hash, 1", e.Seq, e.Hash, sides())
			}

			// The caller fails after writing: its row goes, the entry stays.
			boom := errors.New("boom")
			e2 := &audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
			withErr, err = s.AppendWith(ctx, e2, func(ctx context.Context, tx *sql.Tx) error {
				if err := write(ctx, tx); err != nil {
					return err
				}
				return boom
			})
			if err != nil || !errors.Is(withErr, boom) {
				t.Fatalf("AppendWith with a failing caller = %v, %v; want boom, nil", withErr, err)
			}
			if e2.Seq != 2 || sides() != 1 {
				t.Fatalf("after a failing caller: seq %d, %d side rows; want 2 and 1", e2.Seq, sides())
			}
			// A statement that failed inside the savepoint (PostgreSQL
			// aborts the transaction until the savepoint is rolled back).
			e3 := &audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Outcome: audit.OutcomeOK}
			withErr, err = s.AppendWith(ctx, e3, func(ctx context.Context, tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO no_such_table (n) VALUES (1)`)
				return err
			})
			if err != nil || withErr == nil || e3.Seq != 3 {
				t.Fatalf("AppendWith with a failed statement = %v, %v, seq %d; want an error, nil, seq 3", withErr, err, e3.Seq)
			}

			// The entry is refused: nothing of the caller's is kept either.
			bad := &audit.Entry{Kind: audit.KindResult, IntentSeq: 1, Outcome: audit.OutcomeOK} // seq 1 is an event
			if _, err := s.AppendWith(ctx, bad, write); err == nil {
				t.Fatal("a result for an event was appended")
			}
			if bad.Seq != 0 || sides() != 1 {
				t.Fatalf("after a refused entry: seq %d, %d side rows; want 0 and 1", bad.Seq, sides())
			}
			if rep, err := s.Verify(ctx); err != nil || !rep.OK() || rep.Rows != 3 {
				t.Errorf("Verify = %+v, %v; want 3 intact rows", rep, err)
			}
		})
	}
}
