package audit

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"

	"golang.org/x/mod/sumdb/tlog"
)

// An export "with proofs" (docs/AUDIT.md, "Exports an auditor can check
// offline") is JSON Lines:
//
//	{"format":"roomdesk-audit-export/1","checkpoint":"<signed note>"}
//	{"seq":..,"outcome":..,"entry":{..,"proof":[..]},"result":{..,"proof":[..]}|null}
//	...
//	{"records":N,"sha256":"<hex>","signature":"<signed note>"}
//
// Every row carries its inclusion proof in the checkpoint's tree; the
// trailer signs the number of records and the SHA-256 of every byte before
// it, so a line edited, removed, added or moved is caught, with the
// public key alone.
const (
	ExportFormat = "roomdesk-audit-export/1"
	exportOrigin = "roomdesk/audit export"
)

type exportHeader struct {
	Format     string `json:"format"`
	Checkpoint string `json:"checkpoint"`
}

type exportTrailer struct {
	Records   int64  `json:"records"`
	SHA256    string `json:"sha256"`
	Signature string `json:"signature"`
}

// ProofWriter writes an export with proofs for the rows the checkpoint cp
// covers: records newer than it are left out, and a result newer than it
// is left off its intent (whose outcome is then unknown as of cp).
type ProofWriter struct {
	w     io.Writer
	bw    *bufio.Writer
	sum   hash.Hash
	enc   *json.Encoder
	cp    Checkpoint
	key   *SigningKey
	prove func(n int64) (tlog.RecordProof, error)
	n     int64
	begun bool
}

// NewProofWriter returns the writer; prove(n) is the inclusion proof of
// record n (row seq n+1) in the tree of cp's size.
func NewProofWriter(ctx context.Context, w io.Writer, p Prover, cp Checkpoint, key *SigningKey) *ProofWriter {
	sum := sha256.New()
	bw := bufio.NewWriter(io.MultiWriter(w, sum))
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	prove := func(n int64) (tlog.RecordProof, error) { return p.ProveRecord(ctx, cp.Tree.N, n) }
	return &ProofWriter{w: w, bw: bw, sum: sum, enc: enc, cp: cp, key: key, prove: prove}
}

func (p *ProofWriter) begin() error {
	if p.begun {
		return nil
	}
	p.begun = true
	return p.enc.Encode(exportHeader{Format: ExportFormat, Checkpoint: string(p.cp.Note)})
}

// Write writes one record with its rows' proofs.
func (p *ProofWriter) Write(r Record) error {
	if err := p.begin(); err != nil {
		return err
	}
	if r.Entry.Seq > p.cp.Tree.N {
		return nil
	}
	if r.Result != nil && r.Result.Seq > p.cp.Tree.N {
		r.Result = nil
	}
	line := jsonRecord{Seq: r.Entry.Seq, Outcome: r.Outcome(), Entry: toJSON(r.Entry)}
	var err error
	if line.Entry.Proof, err = p.proof(r.Entry.Seq); err != nil {
		return err
	}
	if r.Result != nil {
		res := toJSON(*r.Result)
		if res.Proof, err = p.proof(res.Seq); err != nil {
			return err
		}
		line.Result = &res
	}
	p.n++
	return p.enc.Encode(line)
}

func (p *ProofWriter) proof(seq int64) ([]string, error) {
	rp, err := p.prove(seq - 1)
	if err != nil {
		return nil, fmt.Errorf("audit: proof of row %d: %w", seq, err)
	}
	out := make([]string, len(rp))
	for i, h := range rp {
		out[i] = h.String()
	}
	return out, nil
}

// Flush pushes buffered lines out (the trailer is Finish's).
func (p *ProofWriter) Flush() error { return p.bw.Flush() }

// Finish writes the signed trailer; the export is complete only then.
func (p *ProofWriter) Finish() error {
	if err := p.begin(); err != nil {
		return err
	}
	if err := p.bw.Flush(); err != nil {
		return err
	}
	digest := hex.EncodeToString(p.sum.Sum(nil))
	sig, err := p.key.Sign(trailerText(p.cp.Tree.N, p.n, digest))
	if err != nil {
		return err
	}
	b, err := json.Marshal(exportTrailer{Records: p.n, SHA256: digest, Signature: string(sig)})
	if err != nil {
		return err
	}
	_, err = p.w.Write(append(b, '\n'))
	return err
}

func trailerText(treeSize, records int64, digest string) string {
	return fmt.Sprintf("%s\n%d\n%d\n%s\n", exportOrigin, treeSize, records, digest)
}
