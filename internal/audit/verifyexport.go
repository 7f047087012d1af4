package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ExportReport is what VerifyExport checked.
type ExportReport struct {
	Checkpoint Checkpoint
	Records    int64 // lines of records
	Rows       int64 // rows proved (intents, results, events)
}

// VerifyExport checks an export with proofs against the public key vkey
// alone, no database: the checkpoint's signature; every row's hash from its
// content and prev_hash, and its inclusion in the checkpoint's tree; then
// the signed trailer, which covers the number of records and every byte
// before it. The first failure is returned, naming its line.
func VerifyExport(r io.Reader, vkey string) (ExportReport, error) {
	var rep ExportReport
	br := bufio.NewReaderSize(r, 1<<16)
	sum := sha256.New()
	lineNo := 0
	next := func() ([]byte, error) {
		b, err := br.ReadBytes('\n')
		if err == io.EOF && len(b) > 0 {
			err = nil
		}
		lineNo++
		return b, err
	}
	fail := func(format string, a ...any) (ExportReport, error) {
		return rep, fmt.Errorf("line %d: %s", lineNo, fmt.Sprintf(format, a...))
	}
	first, err := next()
	if err != nil {
		return fail("no header: %v", err)
	}
	var h exportHeader
	if json.Unmarshal(first, &h) != nil || h.Format != ExportFormat {
		return fail("not a %s file (export with --format jsonl --with-proofs)", ExportFormat)
	}
	if rep.Checkpoint, err = OpenCheckpoint([]byte(h.Checkpoint), vkey); err != nil {
		return fail("%v", err)
	}
	sum.Write(first)
	for {
		line, err := next()
		if errors.Is(err, io.EOF) {
			return fail("the export ends without its signed trailer: it was cut short")
		}
		if err != nil {
			return rep, err
		}
		if bytes.HasPrefix(line, []byte(`{"records":`)) {
			return rep, checkTrailer(line, rep, hex.EncodeToString(sum.Sum(nil)), vkey, fail)
		}
		sum.Write(line)
		rows, problem := checkRecordLine(line, rep.Checkpoint.Tree)
		if problem != "" {
			return fail("%s", problem)
		}
		rep.Records++
		rep.Rows += rows
	}
}

func checkTrailer(line []byte, rep ExportReport, digest, vkey string, fail func(string, ...any) (ExportReport, error)) error {
	var t exportTrailer
	if err := json.Unmarshal(line, &t); err != nil {
		_, err := fail("unreadable trailer: %v", err)
		return err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return err
	}
	n, err := note.Open([]byte(t.Signature), note.VerifierList(v))
	if err != nil {
		_, err := fail("trailer signature: %v", err)
		return err
	}
	if n.Text != trailerText(rep.Checkpoint.Tree.N, t.Records, t.SHA256) {
		_, err := fail("the trailer's fields are not the ones signed")
		return err
	}
	if t.Records != rep.Records || t.SHA256 != digest {
		_, err := fail("the export was signed with %d records, it holds %d, and its bytes differ from those signed: a line was edited, removed, added or moved", t.Records, rep.Records)
		return err
	}
	return nil
}

// checkRecordLine checks one record line; it returns the rows proved, or
// what is wrong.
func checkRecordLine(line []byte, tree tlog.Tree) (int64, string) {
	var rec jsonRecord
	if err := json.Unmarshal(line, &rec); err != nil {
		return 0, "not a record: " + err.Error()
	}
	e, problem := checkRow(rec.Entry, tree)
	if problem != "" {
		return 0, problem
	}
	r := Record{Entry: e}
	rows := int64(1)
	if rec.Result != nil {
		res, problem := checkRow(*rec.Result, tree)
		if problem != "" {
			return 0, problem
		}
		if res.Kind != KindResult || res.IntentSeq != e.Seq {
			return 0, fmt.Sprintf("row %d is not the result of row %d", res.Seq, e.Seq)
		}
		r.Result, rows = &res, 2
	}
	if rec.Seq != e.Seq || rec.Outcome != r.Outcome() {
		return 0, fmt.Sprintf("record %d: seq or outcome differs from its rows", e.Seq)
	}
	return rows, ""
}

// checkRow recomputes one row's hash and checks its inclusion proof.
func checkRow(j jsonEntry, tree tlog.Tree) (Entry, string) {
	e := fromJSON(j)
	if j.Time != e.Time.Format(time.RFC3339Nano) {
		return e, fmt.Sprintf("row %d: time %q is not at_us %d", e.Seq, j.Time, j.AtUS)
	}
	if ComputeHash(e.PrevHash, e) != e.Hash {
		return e, fmt.Sprintf("row %d: its content does not match its hash: it was edited", e.Seq)
	}
	proof := make(tlog.RecordProof, len(j.Proof))
	for i, s := range j.Proof {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return e, fmt.Sprintf("row %d: bad proof hash", e.Seq)
		}
		proof[i] = h
	}
	if e.Seq < 1 || e.Seq > tree.N {
		return e, fmt.Sprintf("row %d is outside the checkpoint's %d rows", e.Seq, tree.N)
	}
	if err := tlog.CheckRecord(proof, tree.N, tree.Hash, e.Seq-1, LeafHash(e)); err != nil {
		return e, fmt.Sprintf("row %d is not in the checkpoint's tree: %v", e.Seq, err)
	}
	return e, ""
}

func fromJSON(j jsonEntry) Entry {
	cs := j.Changes
	if len(cs) == 0 {
		cs = nil
	}
	return Entry{Seq: j.Seq, Time: time.UnixMicro(j.AtUS).UTC(), Kind: j.Kind, IntentSeq: j.IntentSeq,
		Actor: j.Actor, ActorRole: j.ActorRole, ClientIP: j.ClientIP, UserAgent: j.UserAgent,
		Action: j.Action, RoomID: j.RoomID, JobID: j.JobID, Changes: cs, RequestBody: j.RequestBody,
		ResponseBody: j.ResponseBody, ActionStatus: j.ActionStatus, ErrorCode: j.ErrorCode,
		ErrorInfo: j.ErrorInfo, RequestID: j.RequestID, Outcome: j.Outcome, Attempts: j.Attempts,
		LatencyMS: j.LatencyMS, Detail: j.Detail, App: j.App, PrevHash: j.PrevHash, Hash: j.Hash}
}
