package sqlstore

import (
	"context"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// verifyChunk is how many rows one verify query reads. Chunks (keyset on
// seq) rather than one long cursor keep memory flat and do not hold one
// read snapshot open for the whole walk.
const verifyChunk = 5000

// Verify walks the whole chain in seq order and stops at the first row that
// does not check out. It reads the raw rows, not records, so every row
// (results included) is covered.
func (s *Store) Verify(ctx context.Context) (audit.VerifyReport, error) {
	rep := audit.VerifyReport{LastHash: audit.GenesisHash}
	var last int64
	for {
		n, err := s.verifyChunk(ctx, &rep, &last)
		if err != nil {
			return rep, fmt.Errorf("audit: verify: %w", err)
		}
		if !rep.OK() || n < verifyChunk {
			return rep, nil
		}
	}
}

func (s *Store) verifyChunk(ctx context.Context, rep *audit.VerifyReport, last *int64) (int, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT "+cols("")+" FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", *last, verifyChunk)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		var r raw
		if err := rows.Scan(r.dest()...); err != nil {
			return n, err
		}
		rep.Rows++
		if problem := check1(&r, *last, rep.LastHash); problem != "" {
			rep.FirstBad, rep.Problem = r.seq.Int64, problem
			return n, nil
		}
		*last, rep.LastHash = r.seq.Int64, r.hash.String
	}
	return n, rows.Err()
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
