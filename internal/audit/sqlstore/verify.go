package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// verifyChunk is how many rows one verify query reads. Chunks (keyset on
// seq) rather than one long cursor keep memory flat and do not hold one
// read snapshot open for the whole walk.
const verifyChunk = 5000

// Verify walks the whole chain in seq order and stops at the first row that
// does not check out. It reads the raw rows, not records, so every row
// (results included) is covered. It also recomputes the Merkle tree from
// the rows and compares it with the stored one (see VerifyTree).
func (s *Store) Verify(ctx context.Context) (audit.VerifyReport, error) {
	return s.VerifyTree(ctx, 0)
}

// walk is the state of a verification between chunks.
type walk struct {
	rep  *audit.VerifyReport
	last int64 // seq of the last good row
	tree *audit.Frontier
	at   int64
}

// VerifyTree checks the chain as Verify does and, row by row, that the
// stored tree hashes are those the rows produce; rep.Root is the root of
// every row checked and rep.RootAt that of the first at rows, both as the
// rows themselves hash: a checkpoint is compared with those, never with
// hashes an attacker could have rewritten along with the rows.
func (s *Store) VerifyTree(ctx context.Context, at int64) (audit.VerifyReport, error) {
	rep := audit.VerifyReport{LastHash: audit.GenesisHash}
	w := &walk{rep: &rep, tree: audit.NewFrontier(), at: at}
	for {
		n, err := s.verifyChunk(ctx, w)
		if err != nil {
			return rep, fmt.Errorf("audit: verify: %w", err)
		}
		if !rep.OK() {
			return rep, nil
		}
		if n < verifyChunk {
			break
		}
	}
	if err := s.checkTreeEnd(ctx, w); err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	root, err := w.tree.Root()
	rep.Root = root
	return rep, err
}

func (s *Store) verifyChunk(ctx context.Context, w *walk) (int, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT "+cols("")+" FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", w.last, verifyChunk)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	var computed []treeHash
	var owner []int64 // the seq of the row each computed hash belongs to
	for rows.Next() {
		n++
		var r raw
		if err := rows.Scan(r.dest()...); err != nil {
			return n, err
		}
		w.rep.Rows++
		if problem := check1(&r, w.last, w.rep.LastHash); problem != "" {
			w.rep.FirstBad, w.rep.Problem = r.seq.Int64, problem
			break
		}
		w.last, w.rep.LastHash = r.seq.Int64, r.hash.String
		e, _ := r.entry() // check1 parsed it already
		before := len(computed)
		if computed, err = addLeaf(w.tree, computed, audit.LeafHash(e)); err != nil {
			return n, err
		}
		for range len(computed) - before {
			owner = append(owner, e.Seq)
		}
		if w.tree.Size() == w.at {
			if w.rep.RootAt, err = w.tree.Root(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	rows.Close()
	return n, s.compareTree(ctx, w.rep, computed, owner)
}

// compareTree checks the stored hashes against those computed from the
// rows (consecutive indexes); the first difference is reported on its row
// unless the chain already broke earlier.
func (s *Store) compareTree(ctx context.Context, rep *audit.VerifyReport, computed []treeHash, owner []int64) error {
	if len(computed) == 0 {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT idx, hash FROM audit_tree WHERE idx >= $1 AND idx <= $2 ORDER BY idx`,
		computed[0].idx, computed[len(computed)-1].idx)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	bad := func(seq int64, problem string) {
		if rep.FirstBad == 0 || seq < rep.FirstBad {
			rep.FirstBad, rep.Problem, rep.Rows = seq, problem, seq
		}
	}
	for rows.Next() && i < len(computed) {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return err
		}
		if idx != computed[i].idx {
			bad(owner[i], "the Merkle tree has no hash for this row: audit_tree rows were deleted")
			return nil
		}
		if tlog.Hash(b) != computed[i].hash {
			bad(owner[i], "the Merkle tree's stored hash does not match this row: the row (or audit_tree) was rewritten after it was written")
			return nil
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if i < len(computed) {
		bad(owner[i], "the Merkle tree has no hash for this row: audit_tree rows were deleted (or the database predates the tree: start roomdesk once to build it)")
	}
	return nil
}

// checkTreeEnd catches a log cut short while its tree was not: hashes past
// the last row mean rows after it were deleted.
func (s *Store) checkTreeEnd(ctx context.Context, w *walk) error {
	var maxIdx sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(idx) FROM audit_tree`).Scan(&maxIdx); err != nil {
		return err
	}
	if maxIdx.Valid && maxIdx.Int64 >= tlog.StoredHashCount(w.rep.Rows) {
		w.rep.FirstBad = w.rep.Rows + 1
		w.rep.Problem = fmt.Sprintf("the Merkle tree covers more rows than the log's %d: the newest rows were deleted", w.rep.Rows)
	}
	return nil
}

// check1 checks one row against the row before it (prevSeq, prevHash) and
// its own hash; "" means it is fine.
func check1(r *raw, prevSeq int64, prevHash string) string {
	seq := r.seq.Int64
	switch {
	case seq != prevSeq+1 && prevSeq == 0:
		return fmt.Sprintf("the log starts at seq %d, not 1: the rows before it are missing", seq)
	case seq != prevSeq+1:
		return fmt.Sprintf("seq %d follows seq %d: rows %d..%d are missing", seq, prevSeq, prevSeq+1, seq-1)
	case r.prev.String != prevHash:
		return fmt.Sprintf("prev_hash is not the hash of row %d: a row was removed, replaced or moved here", prevSeq)
	}
	e, err := r.entry()
	if err != nil {
		return "the changes column is not valid JSON: the row was edited"
	}
	if got := audit.ComputeHash(r.prev.String, e); got != r.hash.String {
		return "the row's content does not match its hash: it was changed after it was written"
	}
	return ""
}
