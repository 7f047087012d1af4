package db

import "testing"

func TestWrites(t *testing.T) {
	for q, want := range map[string]bool{
		`SELECT seq FROM audit_log`:                           false,
		`  select 1`:                                          false,
		`INSERT INTO t VALUES (1)`:                            true,
		"\n\t(insert into t values (1))":                      true,
		`UPDATE sessions SET last_seen_us = $1`:               true,
		`DELETE FROM audit_open WHERE seq IN ($1)`:            true,
		`REPLACE INTO t VALUES (1)`:                           true,
		`-- the sweep's cursor` + "\n" + `UPDATE t SET a = 1`: true,
		`/* a comment */ DELETE FROM t`:                       true,
		`/* DELETE in a comment */ SELECT 1`:                  false,
		`-- only a comment`:                                   false,
		`WITH gone AS (SELECT id FROM t) DELETE FROM u WHERE id IN (SELECT id FROM gone) RETURNING id`: true,
		`WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM n WHERE x < 5) SELECT x FROM n`:    false,
		`WITH s AS (SELECT updated_at_us, deleted_flag FROM t) SELECT * FROM s`:                        false,
		`WITH s AS (SELECT 'x') INSERT INTO t SELECT * FROM s`:                                         true,
		// Names with digits and z inside are one word each, never split
		// into a keyword's letters.
		`WITH s AS (SELECT x0delete, y9update, zinsert FROM t) SELECT * FROM s`: false,
		`SELECTED`: false,
		``:         false,
	} {
		if got := writes(q); got != want {
			t.Errorf("writes(%q) = %v, want %v", q, got, want)
		}
	}
}
