package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// fixture is a small log: a sign-in, an update that succeeded, one whose
// outcome is unknown, and one in a room whose id would be a spreadsheet
// formula.
func fixture(t *testing.T) (*sqlstore.Store, *db.DB) {
	t.Helper()
	conn := dbtest.Open(t, db.SQLite)
	s := sqlstore.New(conn)
	add := func(e audit.Entry) audit.Entry {
		t.Helper()
		if err := s.Append(context.Background(), &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	update := func(at time.Time, room, app string) audit.Entry {
		return add(audit.Entry{Time: at, Kind: audit.KindIntent, Actor: "olga", ActorRole: "operator",
			Action: audit.ActionRoomUpdate, RoomID: room, App: app,
			Changes:     []audit.Change{{Field: "RoomName", Before: `"a"`, After: `"b"`}},
			RequestBody: `{"RoomInfo":{"RoomId":"` + room + `","RoomName":"b"}}`})
	}
	add(audit.Entry{Time: t0, Kind: audit.KindEvent, Actor: "olga", ActorRole: "operator",
		Action: audit.ActionLogin, Outcome: audit.OutcomeOK})
	// One room of app prod-cn: the encoding, exports and their checkers
	// carry the app; the other rows are from before apps.
	in := update(t0.Add(time.Minute), "live-1", "prod-cn")
	add(audit.Entry{Time: t0.Add(time.Minute + time.Second), Kind: audit.KindResult, IntentSeq: in.Seq, App: "prod-cn",
		Actor: "olga", Action: audit.ActionRoomUpdate, RoomID: "live-1", ActionStatus: "OK",
		RequestID: "Id-ok-1", Outcome: audit.OutcomeOK, Attempts: 1, LatencyMS: 40})
	update(t0.Add(2*time.Minute), "live-2", "") // no result: outcome unknown
	in = update(t0.Add(3*time.Minute), "=cmd|' /C calc'!A0", "")
	add(audit.Entry{Time: t0.Add(3*time.Minute + time.Second), Kind: audit.KindResult, IntentSeq: in.Seq,
		Actor: "olga", Action: audit.ActionRoomUpdate, RoomID: in.RoomID, ActionStatus: "FAIL",
		ErrorCode: 100004, ErrorInfo: "room not exist", RequestID: "Id-fail-2",
		Outcome: audit.OutcomeFailed, Attempts: 1, LatencyMS: 50})
	return s, conn
}

func runAuditCmd(t *testing.T, s audit.Store, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = auditCommand(context.Background(), s, args, &o, &e)
	return o.String(), e.String(), err
}

func TestVerify(t *testing.T) {
	t.Run("intact", func(t *testing.T) {
		s, _ := fixture(t)
		out, _, err := runAuditCmd(t, s, "verify")
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if !strings.Contains(out, "OK: 6 rows checked") || !strings.Contains(out, "head hash: ") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("empty log", func(t *testing.T) {
		s := sqlstore.New(dbtest.Open(t, db.SQLite))
		out, _, err := runAuditCmd(t, s, "verify")
		if err != nil || !strings.Contains(out, "OK: 0 rows checked") {
			t.Errorf("verify = %v, output:\n%s", err, out)
		}
	})
	t.Run("tampered row", func(t *testing.T) {
		s, conn := fixture(t)
		// As someone with the database owner's rights could.
		for _, q := range []string{
			`DROP TRIGGER audit_log_no_update`,
			`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`,
		} {
			if _, err := conn.ExecContext(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
		out, _, err := runAuditCmd(t, s, "verify")
		if err == nil {
			t.Fatal("verify of a tampered log succeeded")
		}
		if !strings.Contains(out, "BROKEN: row seq 3") || !strings.Contains(err.Error(), "seq 3") {
			t.Errorf("err = %v, output:\n%s", err, out)
		}
	})
}

func TestExportCSV(t *testing.T) {
	s, _ := fixture(t)
	out, _, err := runAuditCmd(t, s, "export")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180 CSV: %v\n%s", err, out)
	}
	if len(rows) != 5 || rows[0][0] != "seq" {
		t.Fatalf("got %d rows (want header + 4 records):\n%s", len(rows), out)
	}
	if !strings.HasPrefix(rows[1][0], "5") {
		t.Errorf("first record seq %s, want the newest (5)", rows[1][0])
	}
	if !strings.Contains(out, "Id-fail-2") || !strings.Contains(out, "Id-ok-1") {
		t.Errorf("RequestIds missing:\n%s", out)
	}
	for _, row := range rows {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("formula cell not neutralised: %q", cell)
			}
		}
	}
	if !strings.Contains(out, "'=cmd") {
		t.Errorf("neutralised room id missing:\n%s", out)
	}
}

func TestExportFilters(t *testing.T) {
	s, _ := fixture(t)
	cases := []struct {
		args []string
		want []string // RoomId (or action) of each record, newest first
	}{
		{[]string{"--room", "live-1"}, []string{"live-1"}},
		{[]string{"--app", "prod-cn"}, []string{"live-1"}},
		{[]string{"--outcome", "unknown"}, []string{"live-2"}},
		{[]string{"--request-id", "Id-ok-1"}, []string{"live-1"}},
		{[]string{"--action", "auth.login"}, []string{""}},
		{[]string{"--from", "2026-03-01T09:01", "--to", "2026-03-01T09:02"}, []string{"live-2", "live-1"}},
		{[]string{"--actor", "nobody"}, nil},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, _, err := runAuditCmd(t, s, append([]string{"export", "--format", "jsonl"}, tc.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if line == "" {
					continue
				}
				var rec struct {
					Entry struct {
						RoomID string `json:"room_id"`
					} `json:"entry"`
				}
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("bad JSON line %q: %v", line, err)
				}
				got = append(got, rec.Entry.RoomID)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("rooms = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExportToFile(t *testing.T) {
	s, _ := fixture(t)
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	_, errOut, err := runAuditCmd(t, s, "export", "--format", "jsonl", "--out", path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 4 {
		t.Errorf("%d lines, want 4", n)
	}
	if !strings.Contains(errOut, "exported 4 records") {
		t.Errorf("stderr: %q", errOut)
	}
}

// brokenStore fails after handing out one record, like a database that
// goes away mid-export.
type brokenStore struct{ audit.Store }

func (b brokenStore) Export(ctx context.Context, f audit.Filter, fn func(audit.Record) error) error {
	if err := fn(audit.Record{Entry: audit.Entry{Seq: 1, Kind: audit.KindEvent}}); err != nil {
		return err
	}
	return errors.New("connection reset")
}

func TestExportFailureLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.csv")
	_, _, err := runAuditCmd(t, brokenStore{}, "export", "--out", path)
	if err == nil {
		t.Fatal("export succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// An --out the export cannot write names that file and why, not the
// temporary file beside it that the operator never asked for.
func TestExportToUnwritablePathNamesIt(t *testing.T) {
	s, _ := fixture(t)
	path := filepath.Join(t.TempDir(), "missing", "audit.csv")
	_, _, err := runAuditCmd(t, s, "export", "--out", path)
	if err == nil {
		t.Fatal("export into a missing directory succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, "cannot write "+path+": ") || strings.Contains(msg, ".part") {
		t.Errorf("error %q should name %s and not the temporary file", msg, path)
	}
}

func TestUsage(t *testing.T) {
	s := sqlstore.New(dbtest.Open(t, db.SQLite))
	cases := []struct {
		args []string
		want string // in stderr
	}{
		{nil, "usage:"},
		{[]string{"frobnicate"}, `unknown subcommand "frobnicate"`},
		{[]string{"export", "--from", "yesterday"}, "--from: \"yesterday\" is not a time"},
		{[]string{"export", "--outcome", "maybe"}, "--outcome: Outcome must be"},
		{[]string{"export", "--format", "xml"}, "--format must be csv or jsonl"},
		{[]string{"export", "stray"}, `unexpected argument "stray"`},
		{[]string{"verify", "extra"}, "usage:"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errOut, err := runAuditCmd(t, s, tc.args...)
			if !errors.Is(err, errUsage) {
				t.Errorf("err = %v, want errUsage", err)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q does not contain %q", errOut, tc.want)
			}
		})
	}
}
