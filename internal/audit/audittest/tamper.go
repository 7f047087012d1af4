package audittest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// testGuards checks the database itself refuses UPDATE and DELETE on the
// log through the application's connection.
func testGuards(t *testing.T, newStore NewStore) {
	s, d := newStore(t)
	mustAppend(t, s, event(base, "a", audit.ActionLogin))
	ctx := context.Background()
	for _, q := range []string{
		`UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`,
		`DELETE FROM audit_log WHERE seq = 1`,
	} {
		if _, err := d.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error %v, want the append-only guard", q, err)
		}
	}
	wantVerify(t, s, 0, 1)
}

// dropGuards removes the append-only triggers, as an attacker with the
// database owner's rights could; the hash chain must still tell.
func dropGuards(t *testing.T, d *db.DB) {
	t.Helper()
	qs := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if d.Dialect == db.Postgres {
		qs = []string{`DROP TRIGGER audit_log_no_update ON audit_log`}
	}
	for _, q := range qs {
		if _, err := d.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func testTamper(t *testing.T, newStore NewStore) {
	cases := []struct {
		name     string
		tamper   func(t *testing.T, d *db.DB, rows []audit.Entry)
		firstBad int64
	}{
		{"field changed", func(t *testing.T, d *db.DB, _ []audit.Entry) {
			exec(t, d, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 4`)
		}, 4},
		{"changes edited", func(t *testing.T, d *db.DB, _ []audit.Entry) {
			exec(t, d, `UPDATE audit_log SET changes = '[{"field":"RoomName","before":"\"a\"","after":"\"c\""}]' WHERE seq = 3`)
		}, 3},
		{"changed and rehashed", func(t *testing.T, d *db.DB, rows []audit.Entry) {
			e := rows[4]
			e.Outcome = audit.OutcomeDenied
			exec(t, d, `UPDATE audit_log SET outcome = $1, hash = $2 WHERE seq = 5`, e.Outcome, audit.ComputeHash(e.PrevHash, e))
			// The chain alone would first notice at row 6 (its prev_hash);
			// the Merkle tree's stored leaf points at row 5 itself.
		}, 5},
		{"row deleted", func(t *testing.T, d *db.DB, _ []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE seq = 5`)
		}, 6},
		{"first row deleted", func(t *testing.T, d *db.DB, _ []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE seq = 1`)
		}, 2},
		{"rows swapped", func(t *testing.T, d *db.DB, _ []audit.Entry) { swap(t, d, 2, 6) }, 2},
		{"neighbours swapped", func(t *testing.T, d *db.DB, _ []audit.Entry) { swap(t, d, 5, 6) }, 5},
		{"time moved", func(t *testing.T, d *db.DB, _ []audit.Entry) {
			exec(t, d, `UPDATE audit_log SET at_us = at_us + 1 WHERE seq = 7`)
		}, 7},
	}
	// What Verify says, where the words carry the facts an auditor acts on.
	problems := map[string]string{
		"row deleted":       "seq 6 follows seq 4: rows 5..5 are missing",
		"first row deleted": "the log starts at seq 2, not 1",
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, d := newStore(t)
			rows := chainFixture(t, s)
			wantVerify(t, s, 0, int64(len(rows)))
			dropGuards(t, d)
			tc.tamper(t, d, rows)
			rep := wantVerify(t, s, tc.firstBad, 0)
			if want := problems[tc.name]; !strings.Contains(rep.Problem, want) {
				t.Errorf("Problem %q, want it to say %q", rep.Problem, want)
			}
			t.Logf("detected: %+v", rep)
		})
	}
}

// chainFixture appends 8 rows: events at 1, 2, 5, 6, 7, 8 and an intent (3)
// with its result (4).
func chainFixture(t *testing.T, s audit.Store) []audit.Entry {
	var rows []audit.Entry
	for i := range 8 {
		at := base.Add(time.Duration(i) * time.Second)
		switch i {
		case 2:
			rows = append(rows, mustAppend(t, s, intent(at, "alice", "r1")))
		case 3:
			rows = append(rows, mustAppend(t, s, result(at, rows[2], audit.OutcomeOK, "rid")))
		default:
			rows = append(rows, mustAppend(t, s, event(at, fmt.Sprintf("user%d", i), audit.ActionLogin)))
		}
	}
	return rows
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	res, err := d.ExecContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%s: %d rows affected, want 1", q, n)
	}
}

// swap exchanges every column but seq between rows a and b (both events, so
// the unique intent_seq index does not object).
func swap(t *testing.T, d *db.DB, a, b int64) {
	t.Helper()
	cols := []string{"at_us", "kind", "intent_seq", "actor", "actor_role", "client_ip",
		"user_agent", "action", "room_id", "job_id", "changes", "request_body",
		"response_body", "action_status", "error_code", "error_info", "request_id",
		"outcome", "attempts", "latency_ms", "detail", "app", "prev_hash", "hash"}
	read := func(seq int64) []any {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		q := "SELECT " + strings.Join(cols, ", ") + " FROM audit_log WHERE seq = $1"
		if err := d.QueryRowContext(context.Background(), q, seq).Scan(ptrs...); err != nil {
			t.Fatalf("read row %d: %v", seq, err)
		}
		return vals
	}
	va, vb := read(a), read(b)
	var set []string
	for i, c := range cols {
		set = append(set, fmt.Sprintf("%s = $%d", c, i+1))
	}
	q := "UPDATE audit_log SET " + strings.Join(set, ", ") + fmt.Sprintf(" WHERE seq = $%d", len(cols)+1)
	exec(t, d, q, append(vb, a)...)
	exec(t, d, q, append(va, b)...)
}

// RunInstances checks that two stores on separate connection pools to one
// database (two roomdesk processes) interleave appends into one linear,
// valid chain. newPair returns both, over a fresh empty database.
func RunInstances(t *testing.T, newPair func(t *testing.T) (audit.Store, audit.Store)) {
	a, b := newPair(t)
	appendConcurrently(t, []audit.Store{a, b}, 6, 15)
}

// appendConcurrently has workers goroutines per store each append n
// intent+result pairs and checks the chain is complete, gap-free and valid.
func appendConcurrently(t *testing.T, stores []audit.Store, workers, n int) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*workers)
	for si, s := range stores {
		for w := range workers {
			wg.Go(func() {
				for i := range n {
					in := intent(time.Time{}, fmt.Sprintf("s%dw%d", si, w), fmt.Sprintf("r%d", i))
					if err := s.Append(ctx, &in); err != nil {
						errs <- err
						return
					}
					res := result(time.Time{}, in, audit.OutcomeOK, "")
					if err := s.Append(ctx, &res); err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Append: %v", err)
	}
	total := int64(len(stores) * workers * n * 2)
	for _, s := range stores {
		wantVerify(t, s, 0, total)
	}
	got := listAll(t, stores[0], audit.Filter{Outcome: audit.OutcomeOK}, 1000)
	if len(got) != int(total/2) {
		t.Errorf("List found %d ok records, want %d", len(got), total/2)
	}
}
