package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// mixedLog appends a log with every kind of record the CSV export has to
// get right: results right after their intent and interleaved with other
// edits, failed and unknown outcomes, intents never answered, events, bulk
// job events, several apps, and cells a spreadsheet would evaluate or CSV
// must quote. It returns the time of its middle row.
func mixedLog(t *testing.T, s *sqlstore.Store) time.Time {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	add := func(e audit.Entry) int64 {
		t.Helper()
		n++
		e.Time = base.Add(time.Duration(n) * time.Second)
		if err := s.Append(ctx, &e); err != nil {
			t.Fatalf("Append %+v: %v", e, err)
		}
		return e.Seq
	}
	odd := []string{"=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "\tx", "\rx", " lead", "\\.",
		"a,b", "say \"hi\"", "two\nlines", "Évening 拉面", "\u2028sep", "; semi", "", "plain"}
	apps := []string{"", "1400000001", "1400000002"}
	var open []int64
	for i := range 60 {
		o := odd[i%len(odd)]
		app := apps[i%len(apps)]
		room := fmt.Sprintf("live_%02d%s", i%7, map[bool]string{true: o}[i%5 == 0])
		intent := audit.Entry{Kind: audit.KindIntent, Actor: "alice" + o, ActorRole: "operator",
			Action: audit.ActionRoomUpdate, RoomID: room, App: app, ClientIP: "10.0.0.1", UserAgent: o,
			Detail: map[bool]string{true: o}[i%3 == 0], RequestBody: `{"RoomId":"` + room + `"}`,
			Changes: []audit.Change{{Field: "RoomName" + o, Before: `"old ` + o + `\u0001"`, After: `"new\\n` + o + `"`},
				{Field: "MaxMemberCount", Before: "10", After: "20"}}}
		if i%4 == 0 {
			intent.JobID, intent.Action = fmt.Sprintf("job-%d", i%3), audit.ActionRoomUpdate
		}
		seq := add(intent)
		result := audit.Entry{Kind: audit.KindResult, IntentSeq: seq, Action: audit.ActionRoomUpdate,
			RoomID: room, App: app, Attempts: 1 + i%3, LatencyMS: int64(20 + i)}
		switch i % 6 {
		case 0, 1:
			result.Outcome, result.ActionStatus, result.RequestID = audit.OutcomeOK, "OK", "req-"+o
		case 2:
			result.Outcome, result.ActionStatus, result.ErrorCode, result.ErrorInfo = audit.OutcomeFailed, "FAIL", 100004, "-room\nnot found"
			result.RequestID, result.Detail = "@rid", "retried"
		case 3:
			result.Outcome, result.Detail = audit.OutcomeUnknown, "tencent: unreachable"+o
		case 4: // answered later, after other rows
			open = append(open, seq)
			continue
		case 5: // never answered
			continue
		}
		add(result)
		if i%5 == 0 && len(open) > 0 { // a late answer, rows after its intent
			add(audit.Entry{Kind: audit.KindResult, IntentSeq: open[0], Action: audit.ActionRoomUpdate,
				Outcome: audit.OutcomeOK, ActionStatus: "OK", RequestID: "late", Attempts: 2, Detail: o})
			open = open[1:]
		}
		ev := audit.Entry{Kind: audit.KindEvent, Actor: o, Action: audit.ActionLogin, Outcome: audit.OutcomeOK,
			ClientIP: "::1", UserAgent: "UA" + o, Detail: o}
		switch i % 4 {
		case 1:
			ev.Action, ev.Outcome = audit.ActionLoginFailed, audit.OutcomeDenied
		case 2:
			ev.Action, ev.JobID, ev.App = audit.ActionBulkFinish, fmt.Sprintf("job-%d", i%3), app
			ev.ErrorCode, ev.ActionStatus, ev.ErrorInfo, ev.RequestID = 70202, "FAIL", "=timeout", "ev-req"
		case 3:
			ev.Action, ev.Outcome, ev.Attempts, ev.LatencyMS = audit.ActionBulkStart, audit.OutcomeUnknown, 3, 9
		}
		add(ev)
	}
	return base.Add(time.Duration(n/2) * time.Second)
}

// TestExportRawSameBytes: the streamed CSV export (one pass, no join, for
// the whole log and time ranges; the join with raw columns otherwise)
// writes exactly the bytes of CSVWriter over the record join.
func TestExportRawSameBytes(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			conn := dbtest.Open(t, d)
			s := sqlstore.New(conn)
			mid := mixedLog(t, s)
			ctx := context.Background()
			if d == db.SQLite {
				// A row written by hand with a NUL, which Append never
				// stores: SQLite's packed read must fall back for it.
				var head int64
				if err := conn.QueryRowContext(ctx, "SELECT MAX(seq) FROM audit_log").Scan(&head); err != nil {
					t.Fatal(err)
				}
				if _, err := conn.ExecContext(ctx, `INSERT INTO audit_log (seq, at_us, kind, actor, detail, outcome, prev_hash, hash)
					VALUES ($1, $2, 'event', $3, $4, 'ok', 'x', 'y')`, head+1, mid.Add(time.Hour).UnixMicro(), "nul\x00actor", "=d\x00"); err != nil {
					t.Fatal(err)
				}
			}
			filters := map[string]audit.Filter{
				"all":        {},
				"from":       {From: mid},
				"to":         {To: mid},
				"range":      {From: mid.Add(-40 * time.Second), To: mid.Add(40 * time.Second)},
				"empty":      {From: mid.Add(1000 * time.Hour)},
				"action":     {Action: audit.ActionRoomUpdate},
				"app":        {App: "1400000001"},
				"unknown":    {Outcome: audit.OutcomeUnknown},
				"failed":     {Outcome: audit.OutcomeFailed, From: mid},
				"room":       {RoomID: "live_01"},
				"job":        {JobID: "job-1"},
				"request id": {RequestID: "late"},
			}
			check := func(name string, f audit.Filter) {
				t.Helper()
				var old, fast bytes.Buffer
				if err := audit.ExportTo(ctx, s, f, audit.NewCSVWriter(&old)); err != nil {
					t.Fatalf("%s: old export: %v", name, err)
				}
				n, err := audit.Export(ctx, s, f, "csv", &fast, nil)
				if err != nil {
					t.Fatalf("%s: export: %v", name, err)
				}
				if !bytes.Equal(old.Bytes(), fast.Bytes()) {
					t.Errorf("%s: %d records, bytes differ:\nold  %q\nfast %q", name, n, old.String(), fast.String())
				}
				if want := map[db.Dialect]int{db.SQLite: 101, db.Postgres: 100}[d]; name == "all" && n != want {
					t.Errorf("all: %d records, the log has %d", n, want)
				}
			}
			for name, f := range filters {
				check(name, f)
			}
			// Results held past the bound are looked up instead.
			restore := sqlstore.SetMaxHeld(1)
			defer restore()
			check("all", audit.Filter{})
			check("range", filters["range"])
		})
	}
}
