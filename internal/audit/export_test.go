package audit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func exportRecords() []Record {
	in := exampleEntry()
	in.Hash, in.JobID, in.Detail = "h1", "+job", "=HYPERLINK(\"x\")"
	in.Changes = append(in.Changes, Change{Field: "MaxMemberCount", Before: "10", After: "20"})
	res := Entry{Seq: 2, Time: in.Time, Kind: KindResult, IntentSeq: 1, Outcome: OutcomeFailed,
		ActionStatus: "FAIL", ErrorCode: 100004, ErrorInfo: "-room\nnot found", RequestID: "@rid",
		Attempts: 2, LatencyMS: 37, Detail: "retried"}
	ev := Entry{Seq: 3, Time: in.Time.Add(time.Second), Kind: KindEvent, Actor: "\tbob",
		Action: ActionLoginFailed, Outcome: OutcomeDenied, UserAgent: "\rx", Hash: "h3"}
	return []Record{{Entry: ev}, {Entry: in, Result: &res}, {Entry: exampleEntry()}}
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSVWriter(&buf)
	for _, r := range exportRecords() {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	// encoding/csv's reader drops a lone CR, so check that cell raw: the
	// writer must keep it, quoted.
	if !strings.Contains(buf.String(), "\"'\rx\"") {
		t.Errorf("a cell starting with CR was not neutralised and quoted:\n%q", buf.String())
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v", err)
	}
	if !reflect.DeepEqual(rows[0], CSVHeader) || len(rows) != 4 {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	col := func(row []string, name string) string {
		for i, h := range CSVHeader {
			if h == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	ev, upd, pending := rows[1], rows[2], rows[3]
	checks := []struct{ got, want string }{
		{col(ev, "actor"), "'\tbob"},
		{col(ev, "outcome"), OutcomeDenied},
		{col(ev, "error_code"), ""},
		{col(ev, "time"), "2026-03-01T09:30:01Z"},
		{col(upd, "seq"), "1"},
		{col(upd, "changes"), `RoomName: "Morning show" → "Évening \"show\""; MaxMemberCount: 10 → 20`},
		{col(upd, "outcome"), OutcomeFailed},
		{col(upd, "error_code"), "100004"},
		{col(upd, "error_info"), "'-room\nnot found"},
		{col(upd, "request_id"), "'@rid"},
		{col(upd, "attempts"), "2"},
		{col(upd, "latency_ms"), "37"},
		{col(upd, "job_id"), "'+job"},
		{col(upd, "detail"), `'=HYPERLINK("x"); retried`},
		{col(upd, "hash"), "h1"},
		{col(pending, "outcome"), OutcomeUnknown},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestCSVEmptyHasHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := NewCSVWriter(&buf).Flush(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != strings.Join(CSVHeader, ",")+"\n" {
		t.Errorf("empty export = %q", got)
	}
}

func TestJSONL(t *testing.T) {
	var buf bytes.Buffer
	w := NewJSONLWriter(&buf)
	recs := exportRecords()
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("%d lines for %d records", len(lines), len(recs))
	}
	var got jsonRecord
	if err := json.Unmarshal([]byte(lines[1]), &got); err != nil {
		t.Fatal(err)
	}
	if got.Seq != 1 || got.Outcome != OutcomeFailed || got.Result == nil || got.Result.RequestID != "@rid" ||
		got.Entry.AtUS != recs[1].Entry.Time.UnixMicro() || len(got.Entry.Changes) != 2 {
		t.Errorf("line 2 = %+v", got)
	}
	if !strings.Contains(lines[2], `"result":null`) || !strings.Contains(lines[0], `"changes":[]`) {
		t.Errorf("lines: %s / %s", lines[0], lines[2])
	}
}
