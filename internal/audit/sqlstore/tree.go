package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// The Merkle tree's stored hashes live in audit_tree (migration 0006), keyed
// by tlog's stored-hash index, appended in the same transaction as the rows
// they cover, under the same lock.

var _ audit.Prover = (*Store)(nil)

// errTreeMissing means audit_tree lacks a hash the log's rows imply: an
// older database whose rows predate the tree (fillTree adds them), or
// hashes deleted by hand.
var errTreeMissing = errors.New("audit: Merkle tree hash missing")

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// hashReader is tlog's view of audit_tree: one query per call.
type hashReader struct {
	ctx context.Context
	q   querier
}

func (r hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	args := make([]any, len(indexes))
	for i, v := range indexes {
		args[i] = v
	}
	rows, err := r.q.QueryContext(r.ctx,
		"SELECT idx, hash FROM audit_tree WHERE idx IN ("+placeholders(0, len(args))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, err
		}
		got[idx] = tlog.Hash(b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		h, ok := got[idx]
		if !ok {
			return nil, fmt.Errorf("%w: index %d", errTreeMissing, idx)
		}
		out[i] = h
	}
	return out, nil
}

// frontier loads the tree of the first n rows (the newest hash of each
// level), filling in hashes an older database lacks. Called with the chain
// lock held, inside the append transaction.
func (s *Store) frontier(ctx context.Context, tx *sql.Tx, n int64) (*audit.Frontier, error) {
	hs, err := hashReader{ctx, tx}.ReadHashes(audit.FrontierIndexes(n))
	if err == nil {
		return audit.LoadFrontier(n, hs)
	}
	if !errors.Is(err, errTreeMissing) {
		return nil, err
	}
	return s.fillTree(ctx, tx, n)
}

// fillTree adds the tree hashes of rows that have none (rows written before
// migration 0006), from the rows as stored, and returns the frontier of the
// first n rows. A one-off: later appends keep the tree in step.
func (s *Store) fillTree(ctx context.Context, tx *sql.Tx, n int64) (*audit.Frontier, error) {
	var maxIdx sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(idx) FROM audit_tree`).Scan(&maxIdx); err != nil {
		return nil, err
	}
	have := int64(0) // rows the tree covers
	if maxIdx.Valid {
		have = int64(sort.Search(int(n+1), func(k int) bool { return tlog.StoredHashCount(int64(k)) >= maxIdx.Int64+1 }))
		if have > n || tlog.StoredHashCount(have) != maxIdx.Int64+1 {
			return nil, fmt.Errorf("audit: the Merkle tree (%d hashes) does not match the log's %d rows: rows or tree hashes were deleted; run roomdesk audit verify", maxIdx.Int64+1, n)
		}
	}
	f := audit.NewFrontier()
	if have > 0 {
		hs, err := hashReader{ctx, tx}.ReadHashes(audit.FrontierIndexes(have))
		if err != nil {
			return nil, err
		}
		if f, err = audit.LoadFrontier(have, hs); err != nil {
			return nil, err
		}
	}
	for f.Size() < n {
		rows, err := tx.QueryContext(ctx, "SELECT "+cols("")+" FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
			f.Size(), n, verifyChunk)
		if err != nil {
			return nil, err
		}
		var add []treeHash
		for rows.Next() {
			var r raw
			if err := rows.Scan(r.dest()...); err != nil {
				rows.Close()
				return nil, err
			}
			e, _ := r.entry() // an unreadable changes column is verify's to report
			if e.Seq != f.Size()+1 {
				rows.Close()
				return nil, fmt.Errorf("audit: cannot build the Merkle tree: row %d follows row %d; run roomdesk audit verify", e.Seq, f.Size())
			}
			if add, err = addLeaf(f, add, audit.LeafHash(e)); err != nil {
				rows.Close()
				return nil, err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if err := s.insertTree(ctx, tx, add); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// treeHash is one stored hash of the tree.
type treeHash struct {
	idx  int64
	hash tlog.Hash
}

// addLeaf adds a record to f and appends the hashes to store for it to out.
func addLeaf(f *audit.Frontier, out []treeHash, leaf tlog.Hash) ([]treeHash, error) {
	first := tlog.StoredHashIndex(0, f.Size())
	hs, err := f.Add(leaf)
	for i, h := range hs {
		out = append(out, treeHash{first + int64(i), h})
	}
	return out, err
}

// insertTree writes tree hashes, a few hundred per statement on
// PostgreSQL, fewer on SQLite (see rowsPerInsert).
func (s *Store) insertTree(ctx context.Context, tx *sql.Tx, hs []treeHash) error {
	per := 500
	if s.db.Dialect != db.Postgres {
		per = 32
	}
	for start := 0; start < len(hs); start += per {
		part := hs[start:min(start+per, len(hs))]
		var q strings.Builder
		q.WriteString("INSERT INTO audit_tree (idx, hash) VALUES ")
		args := make([]any, 0, 2*len(part))
		for i, h := range part {
			if i > 0 {
				q.WriteByte(',')
			}
			fmt.Fprintf(&q, "($%d,$%d)", 2*i+1, 2*i+2)
			args = append(args, h.idx, h.hash[:])
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			if db.IsUniqueViolation(err) {
				return fmt.Errorf("the Merkle tree already holds hashes past the log's head: rows were deleted; run roomdesk audit verify: %w", err)
			}
			return err
		}
	}
	return nil
}

// head is the newest row's seq (0 for an empty log).
func (s *Store) head(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int64, error) {
	var seq int64
	err := q.QueryRowContext(ctx, `SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return seq, err
}

// SyncTree fills in the tree hashes of rows that predate the tree (an
// upgraded database), under the chain lock. The app calls it at start so
// that the one-off cost is not paid by someone's first edit.
func (s *Store) SyncTree(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit: tree: %w", err)
	}
	defer tx.Rollback()
	if err := s.lock(ctx, tx); err != nil {
		return err
	}
	n, err := s.head(ctx, tx)
	if err != nil {
		return fmt.Errorf("audit: tree: %w", err)
	}
	if _, err := s.frontier(ctx, tx, n); err != nil {
		return fmt.Errorf("audit: tree: %w", err)
	}
	return tx.Commit()
}

// TreeHead is the tree of every row in the log.
func (s *Store) TreeHead(ctx context.Context) (tlog.Tree, error) {
	n, err := s.head(ctx, s.db)
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("audit: tree head: %w", err)
	}
	h, err := tlog.TreeHash(n, hashReader{ctx, s.db})
	if errors.Is(err, errTreeMissing) {
		if err = s.SyncTree(ctx); err == nil {
			h, err = tlog.TreeHash(n, hashReader{ctx, s.db})
		}
	}
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("audit: tree head: %w", err)
	}
	return tlog.Tree{N: n, Hash: h}, nil
}

// ProveRecord proves row seq n+1 is in the tree of the first t rows.
func (s *Store) ProveRecord(ctx context.Context, t, n int64) (tlog.RecordProof, error) {
	return tlog.ProveRecord(t, n, hashReader{ctx, s.db})
}

// ProveTree proves the tree of the first n rows is a prefix of that of the
// first t rows.
func (s *Store) ProveTree(ctx context.Context, t, n int64) (tlog.TreeProof, error) {
	return tlog.ProveTree(t, n, hashReader{ctx, s.db})
}
