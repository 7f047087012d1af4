package audit

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// CheckpointReport is the verdict of VerifyCheckpoint.
type CheckpointReport struct {
	Checkpoint Checkpoint
	Head       tlog.Tree    // the log's tree now, from its stored hashes
	Chain      VerifyReport // the walk over every row (zero if not reached)
	Step       string       // the step that failed: "consistency" or "chain"
	Problem    string       // "" when the log still holds what cp covered
}

// OK reports whether the log passed.
func (r CheckpointReport) OK() bool { return r.Problem == "" }

// VerifyCheckpoint proves the log still holds exactly the rows the
// (signature-checked, see OpenCheckpoint) checkpoint cp covered:
//
//  1. consistency: the stored tree now has at least cp's size, and a
//     consistency proof from it shows cp's tree is its prefix;
//  2. chain: every row chains and hashes correctly, the stored tree is the
//     one the rows produce, and the first cp.Tree.N rows, hashed afresh,
//     give cp's root.
//
// Step 1 costs O(log n) and catches a truncated log or a rewritten tree;
// step 2 catches rows rewritten under an untouched tree, and a rewrite with
// every SHA-256 recomputed, because no one without the key can sign the
// root that rewrite produces.
func VerifyCheckpoint(ctx context.Context, p Prover, cp Checkpoint) (CheckpointReport, error) {
	rep := CheckpointReport{Checkpoint: cp}
	head, err := p.TreeHead(ctx)
	if err != nil {
		return rep, err
	}
	rep.Head = head
	n := cp.Tree.N
	if head.N < n {
		rep.Step = "consistency"
		rep.Problem = fmt.Sprintf("the log has %d rows but the checkpoint covers %d: rows %d..%d were deleted", head.N, n, head.N+1, n)
		return rep, nil
	}
	proof, err := p.ProveTree(ctx, head.N, n)
	if err != nil {
		return rep, err
	}
	if err := tlog.CheckTree(proof, head.N, head.Hash, n, cp.Tree.Hash); err != nil {
		rep.Step = "consistency"
		rep.Problem = fmt.Sprintf("the log's first %d rows are not the ones the checkpoint signed (%v): rows were changed, removed, inserted or reordered", n, err)
		return rep, nil
	}
	rep.Chain, err = p.VerifyTree(ctx, n)
	if err != nil {
		return rep, err
	}
	switch {
	case !rep.Chain.OK():
		rep.Step = "chain"
		rep.Problem = fmt.Sprintf("row seq %d: %s", rep.Chain.FirstBad, rep.Chain.Problem)
	case rep.Chain.Rows < n || (n > 0 && rep.Chain.RootAt != cp.Tree.Hash):
		rep.Step = "chain"
		rep.Problem = fmt.Sprintf("the first %d rows, hashed afresh, do not give the checkpoint's root", n)
	}
	return rep, nil
}
