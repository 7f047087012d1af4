package audittest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

func prover(t *testing.T, s audit.Store) audit.Prover {
	t.Helper()
	p, ok := s.(audit.Prover)
	if !ok {
		t.Fatalf("%T is not an audit.Prover", s)
	}
	return p
}

// memTree is the tree of a list of leaf hashes, built independently of the
// store (every stored hash in memory), to check the store's answers.
type memTree []tlog.Hash

func (m memTree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x >= int64(len(m)) {
			return nil, fmt.Errorf("no hash %d", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

func buildTree(t *testing.T, rows []audit.Entry) memTree {
	t.Helper()
	var m memTree
	for i, e := range rows {
		hs, err := tlog.StoredHashes(int64(i), audit.LeafData(e), m)
		if err != nil {
			t.Fatal(err)
		}
		m = append(m, hs...)
	}
	return m
}

// testTree checks the store's tree against one built from the rows Append
// returned: the head, every inclusion proof and every consistency proof.
func testTree(t *testing.T, newStore NewStore) {
	s, _ := newStore(t)
	p := prover(t, s)
	ctx := context.Background()
	if head, err := p.TreeHead(ctx); err != nil || head.N != 0 {
		t.Fatalf("empty TreeHead = %+v, %v", head, err)
	}
	var rows []audit.Entry
	for i := range 13 {
		at := base.Add(time.Duration(i) * time.Second)
		if i%3 == 1 {
			rows = append(rows, mustAppend(t, s, result(at, rows[i-1], audit.OutcomeOK, "")))
		} else if i%3 == 0 {
			rows = append(rows, mustAppend(t, s, intent(at, "a", "r")))
		} else {
			rows = append(rows, mustAppend(t, s, event(at, "b", audit.ActionLogin)))
		}
	}
	m := buildTree(t, rows)
	for size := int64(1); size <= int64(len(rows)); size++ {
		root, err := tlog.TreeHash(size, m)
		if err != nil {
			t.Fatal(err)
		}
		for n := int64(0); n < size; n++ {
			rp, err := p.ProveRecord(ctx, size, n)
			if err != nil {
				t.Fatalf("ProveRecord(%d, %d): %v", size, n, err)
			}
			if err := tlog.CheckRecord(rp, size, root, n, audit.LeafHash(rows[n])); err != nil {
				t.Errorf("inclusion of row %d in tree %d: %v", n+1, size, err)
			}
		}
		for n := int64(1); n <= size; n++ {
			old, _ := tlog.TreeHash(n, m)
			tp, err := p.ProveTree(ctx, size, n)
			if err != nil {
				t.Fatalf("ProveTree(%d, %d): %v", size, n, err)
			}
			if err := tlog.CheckTree(tp, size, root, n, old); err != nil {
				t.Errorf("consistency %d -> %d: %v", n, size, err)
			}
		}
	}
	head, err := p.TreeHead(ctx)
	want, _ := tlog.TreeHash(int64(len(rows)), m)
	if err != nil || head.N != int64(len(rows)) || head.Hash != want {
		t.Errorf("TreeHead = %+v, %v; want %d %v", head, err, len(rows), want)
	}
	rep, err := p.VerifyTree(ctx, 5)
	want5, _ := tlog.TreeHash(5, m)
	if err != nil || !rep.OK() || rep.Root != want || rep.RootAt != want5 {
		t.Errorf("VerifyTree(5) = %+v, %v; want roots %v and %v", rep, err, want, want5)
	}
}

// testTreeRepair: a database whose rows predate the tree (or whose tree was
// emptied) gets the tree rebuilt from its rows on the next append; a tree
// left longer than the log (newest rows deleted) is reported, and appending
// on top of it is refused rather than forking the tree.
func testTreeRepair(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	t.Run("rebuilt", func(t *testing.T) {
		s, d := newStore(t)
		rows := chainFixture(t, s)
		dropTreeGuards(t, d)
		if _, err := d.ExecContext(ctx, `DELETE FROM audit_tree`); err != nil {
			t.Fatal(err)
		}
		rep, _ := s.Verify(ctx)
		if rep.FirstBad != 1 || !strings.Contains(rep.Problem, "Merkle tree has no hash") {
			t.Errorf("Verify with an empty tree = %+v, want row 1 without a hash", rep)
		}
		rows = append(rows, mustAppend(t, s, event(base.Add(time.Hour), "z", audit.ActionLogout)))
		wantVerify(t, s, 0, int64(len(rows)))
		head, err := prover(t, s).TreeHead(ctx)
		want, _ := tlog.TreeHash(int64(len(rows)), buildTree(t, rows))
		if err != nil || head.Hash != want {
			t.Errorf("rebuilt TreeHead = %+v, %v; want %v", head, err, want)
		}
	})
	// An older database whose tree covers only its first rows (hashes of
	// the later ones missing): the missing part is added to what is there.
	t.Run("partly rebuilt", func(t *testing.T) {
		s, d := newStore(t)
		rows := chainFixture(t, s)
		dropTreeGuards(t, d)
		keep := int64(len(rows) / 2)
		if _, err := d.ExecContext(ctx, `DELETE FROM audit_tree WHERE idx >= $1`, tlog.StoredHashCount(keep)); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, mustAppend(t, s, event(base.Add(time.Hour), "z", audit.ActionLogout)))
		wantVerify(t, s, 0, int64(len(rows)))
		head, err := prover(t, s).TreeHead(ctx)
		want, _ := tlog.TreeHash(int64(len(rows)), buildTree(t, rows))
		if err != nil || head.Hash != want {
			t.Errorf("partly rebuilt TreeHead = %+v, %v; want %v", head, err, want)
		}
	})
	t.Run("tree longer than log", func(t *testing.T) {
		s, d := newStore(t)
		chainFixture(t, s)
		dropGuards(t, d)
		exec(t, d, `DELETE FROM audit_log WHERE seq = 8`)
		wantVerify(t, s, 8, 0)
		e := event(base.Add(time.Hour), "z", audit.ActionLogout)
		if err := s.Append(ctx, &e); err == nil {
			t.Errorf("Append on a log whose newest row was deleted succeeded (seq %d)", e.Seq)
		}
	})
	// The 9th row stores a single tree hash (an odd row completes no
	// subtree): its deletion leaves the tree exactly one hash too long.
	t.Run("tree one hash longer than log", func(t *testing.T) {
		s, d := newStore(t)
		chainFixture(t, s)
		mustAppend(t, s, event(base.Add(time.Hour), "z", audit.ActionLogout))
		dropGuards(t, d)
		exec(t, d, `DELETE FROM audit_log WHERE seq = 9`)
		wantVerify(t, s, 9, 0)
	})
}

func dropTreeGuards(t *testing.T, d *db.DB) {
	t.Helper()
	qs := []string{`DROP TRIGGER audit_tree_no_update`, `DROP TRIGGER audit_tree_no_delete`}
	if d.Dialect == db.Postgres {
		qs = []string{`DROP TRIGGER audit_tree_no_update ON audit_tree`, `DROP TRIGGER audit_tree_no_truncate ON audit_tree`}
	}
	for _, q := range qs {
		if _, err := d.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// testCheckpoint plays the attacker who owns the database but not the
// signing key: each tampering must fail verification against a checkpoint
// taken before it, even with every SHA-256 (chain and tree) recomputed.
func testCheckpoint(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	_, key, err := audit.GenerateSigningKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, foreign, err := audit.GenerateSigningKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		signer *audit.SigningKey
		tamper func(t *testing.T, s audit.Store, d *db.DB, rows []audit.Entry)
		step   string // "" passes; "signature", "consistency" or "chain"
	}{
		{"intact", key, nil, ""},
		{"grown since", key, func(t *testing.T, s audit.Store, _ *db.DB, _ []audit.Entry) {
			mustAppend(t, s, event(base.Add(time.Hour), "late", audit.ActionLogin))
		}, ""},
		{"truncated", key, func(t *testing.T, s audit.Store, d *db.DB, _ []audit.Entry) {
			// The careful attacker also removes the tree hashes of the rows.
			exec(t, d, `DELETE FROM audit_log WHERE seq = 8`)
			if _, err := d.ExecContext(ctx, `DELETE FROM audit_tree WHERE idx >= $1`, tlog.StoredHashCount(7)); err != nil {
				t.Fatal(err)
			}
		}, "consistency"},
		{"truncated and regrown", key, func(t *testing.T, s audit.Store, d *db.DB, _ []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE seq = 8`)
			if _, err := d.ExecContext(ctx, `DELETE FROM audit_tree WHERE idx >= $1`, tlog.StoredHashCount(7)); err != nil {
				t.Fatal(err)
			}
			mustAppend(t, s, event(base.Add(time.Hour), "mallory", audit.ActionLogin))
		}, "consistency"},
		{"row rewritten, tree untouched", key, func(t *testing.T, s audit.Store, d *db.DB, rows []audit.Entry) {
			rows[4].Actor = "mallory"
			rewrite(t, d, rows, 4, false, false)
		}, "chain"},
		{"row rewritten, chain recomputed, tree untouched", key, func(t *testing.T, s audit.Store, d *db.DB, rows []audit.Entry) {
			rows[4].Actor = "mallory"
			rewrite(t, d, rows, 4, true, false)
		}, "chain"},
		{"row rewritten, every hash recomputed", key, func(t *testing.T, s audit.Store, d *db.DB, rows []audit.Entry) {
			rows[4].Actor = "mallory"
			rewrite(t, d, rows, 4, true, true)
			wantVerify(t, s, 0, 8) // the chain alone is fooled
		}, "consistency"},
		{"rows swapped, every hash recomputed", key, func(t *testing.T, s audit.Store, d *db.DB, rows []audit.Entry) {
			rows[1], rows[5] = rows[5], rows[1]
			rewrite(t, d, rows, 1, true, true)
			wantVerify(t, s, 0, 8)
		}, "consistency"},
		{"newest row deleted, every hash recomputed", key, func(t *testing.T, s audit.Store, d *db.DB, rows []audit.Entry) {
			exec(t, d, `DELETE FROM audit_log WHERE seq = 8`)
			rewrite(t, d, rows[:7], 7, true, true)
			wantVerify(t, s, 0, 7)
		}, "consistency"},
		{"foreign key", foreign, nil, "signature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, d := newStore(t)
			p := prover(t, s)
			rows := chainFixture(t, s)
			head, err := p.TreeHead(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cp, err := audit.SignCheckpoint(head, base, tc.signer)
			if err != nil {
				t.Fatal(err)
			}
			if tc.tamper != nil {
				dropGuards(t, d)
				dropTreeGuards(t, d)
				tc.tamper(t, s, d, rows)
			}
			opened, err := audit.OpenCheckpoint(cp.Note, key.Public)
			if tc.step == "signature" {
				if !errors.Is(err, audit.ErrForeignKey) {
					t.Fatalf("OpenCheckpoint of a checkpoint by another key: %v, want ErrForeignKey", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenCheckpoint: %v", err)
			}
			rep, err := audit.VerifyCheckpoint(ctx, p, opened)
			if err != nil {
				t.Fatalf("VerifyCheckpoint: %v", err)
			}
			if rep.Step != tc.step || rep.OK() != (tc.step == "") {
				t.Fatalf("VerifyCheckpoint = step %q problem %q, want step %q", rep.Step, rep.Problem, tc.step)
			}
			t.Logf("verdict: %s %s", rep.Step, rep.Problem)
		})
	}
}

// rewrite writes rows back from index from on; with chain, renumbered 1..
// in order with their chain hashes recomputed, and with tree the whole
// Merkle tree rebuilt to match too, as an attacker with the database could.
func rewrite(t *testing.T, d *db.DB, rows []audit.Entry, from int, chain, tree bool) {
	t.Helper()
	ctx := context.Background()
	prev := audit.GenesisHash
	for i := range rows {
		e := &rows[i]
		if chain {
			e.Seq, e.PrevHash = int64(i+1), prev
			e.Hash = audit.ComputeHash(prev, *e)
		}
		prev = e.Hash
		if i < from {
			continue
		}
		var intent any
		if e.Kind == audit.KindResult {
			intent = e.IntentSeq
		}
		q := `UPDATE audit_log SET at_us=$1, kind=$2, intent_seq=$3, actor=$4, actor_role=$5, client_ip=$6,
			user_agent=$7, action=$8, room_id=$9, job_id=$10, changes=$11, request_body=$12, response_body=$13,
			action_status=$14, error_code=$15, error_info=$16, request_id=$17, outcome=$18, attempts=$19,
			latency_ms=$20, detail=$21, prev_hash=$22, hash=$23 WHERE seq=$24`
		exec(t, d, q, e.Time.UnixMicro(), string(e.Kind), intent, e.Actor, e.ActorRole, e.ClientIP,
			e.UserAgent, e.Action, e.RoomID, e.JobID, string(audit.AppendChanges(nil, e.Changes)),
			e.RequestBody, e.ResponseBody, e.ActionStatus, int64(e.ErrorCode), e.ErrorInfo, e.RequestID,
			e.Outcome, int64(e.Attempts), e.LatencyMS, e.Detail, e.PrevHash, e.Hash, int64(i+1))
	}
	if !tree {
		return
	}
	if _, err := d.ExecContext(ctx, `DELETE FROM audit_tree`); err != nil {
		t.Fatal(err)
	}
	for i, h := range buildTree(t, rows) {
		if _, err := d.ExecContext(ctx, `INSERT INTO audit_tree (idx, hash) VALUES ($1, $2)`, int64(i), h[:]); err != nil {
			t.Fatal(err)
		}
	}
}
