package audit

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Every row of the log is also a leaf of an RFC 6962 Merkle tree (the Go
// checksum database's, golang.org/x/mod/sumdb/tlog): row seq k is record
// k-1 of the tree, and the tree of the first n rows has size n. The chain
// says each row follows the one before; the tree adds what a chain cannot:
// a signed root (a checkpoint) anchors the first n rows outside the
// database, and O(log n) proofs show that one row is in it, or that a later
// tree extends it. See docs/AUDIT.md.

// LeafData is what a row contributes to the tree: exactly the bytes its
// chain hash covers, prev_hash (64 hex characters) followed by the row's
// canonical encoding. Its leaf hash is tlog.RecordHash(LeafData(e)), i.e.
// SHA-256(0x00 || prev_hash || canonical).
func LeafData(e Entry) []byte {
	c := Canonical(e)
	b := make([]byte, 0, len(e.PrevHash)+len(c))
	return append(append(b, e.PrevHash...), c...)
}

// LeafHash is the RFC 6962 leaf hash of row e.
func LeafHash(e Entry) tlog.Hash { return tlog.RecordHash(LeafData(e)) }

// Prover is a Store whose rows are the leaves of a stored Merkle tree, so
// that proofs cost O(log n) reads.
type Prover interface {
	Store
	// TreeHead is the tree of every row now in the log, its root computed
	// from the stored hashes.
	TreeHead(ctx context.Context) (tlog.Tree, error)
	// ProveRecord proves that row seq n+1 is in the tree of size t.
	ProveRecord(ctx context.Context, t, n int64) (tlog.RecordProof, error)
	// ProveTree proves that the tree of size n is a prefix of the tree of size t.
	ProveTree(ctx context.Context, t, n int64) (tlog.TreeProof, error)
	// VerifyTree is Verify that also recomputes every stored tree hash from
	// the rows, and reports in RootAt the root of the first at rows as the
	// rows themselves hash (0: none).
	VerifyTree(ctx context.Context, at int64) (VerifyReport, error)
}

// Frontier builds the tree's stored hashes one record at a time, in order,
// holding only the newest hash of each level: O(log n) memory for a walk
// over the whole log (verify, the one-off backfill of an older database).
type Frontier struct {
	n      int64
	latest map[int]indexed // level -> newest complete subtree at that level
}

type indexed struct {
	index int64
	hash  tlog.Hash
}

// NewFrontier starts an empty tree.
func NewFrontier() *Frontier { return &Frontier{latest: map[int]indexed{}} }

// FrontierIndexes lists the stored-hash indexes a Frontier of size n holds
// (the newest complete subtree of each level), so a store can load one
// with LoadFrontier in a single read instead of replaying the log.
func FrontierIndexes(n int64) []int64 {
	var out []int64
	for level := 0; n>>level > 0; level++ {
		out = append(out, tlog.StoredHashIndex(level, n>>level-1))
	}
	return out
}

// LoadFrontier is the Frontier of a tree of size n, from the hashes at
// FrontierIndexes(n), in that order.
func LoadFrontier(n int64, hashes []tlog.Hash) (*Frontier, error) {
	idx := FrontierIndexes(n)
	if len(hashes) != len(idx) {
		return nil, fmt.Errorf("audit: tree frontier of size %d needs %d hashes, got %d", n, len(idx), len(hashes))
	}
	f := &Frontier{n: n, latest: map[int]indexed{}}
	for level, i := range idx {
		f.latest[level] = indexed{i, hashes[level]}
	}
	return f, nil
}

// Size is the number of records added.
func (f *Frontier) Size() int64 { return f.n }

// ReadHashes serves tlog the hashes it asks for while adding a record or
// computing the root: always the newest at their level.
func (f *Frontier) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		level, _ := tlog.SplitStoredHashIndex(idx)
		l, ok := f.latest[level]
		if !ok || l.index != idx {
			return nil, fmt.Errorf("audit: tree hash %d is not on the frontier", idx)
		}
		out[i] = l.hash
	}
	return out, nil
}

// Add appends a record with leaf hash h and returns the hashes to store for
// it, at indexes tlog.StoredHashIndex(0, n) onwards (n the record's number).
func (f *Frontier) Add(h tlog.Hash) ([]tlog.Hash, error) {
	hs, err := tlog.StoredHashesForRecordHash(f.n, h, f)
	if err != nil {
		return nil, err
	}
	first := tlog.StoredHashIndex(0, f.n)
	for i, h := range hs {
		level, _ := tlog.SplitStoredHashIndex(first + int64(i))
		f.latest[level] = indexed{first + int64(i), h}
	}
	f.n++
	return hs, nil
}

// Root is the tree hash of the records added so far.
func (f *Frontier) Root() (tlog.Hash, error) { return tlog.TreeHash(f.n, f) }
