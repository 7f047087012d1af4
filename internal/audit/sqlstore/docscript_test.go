package sqlstore_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
)

// TestDocScript runs the Python checker printed in docs/AUDIT.md against a
// real log full of awkward strings: the outside tool and the Go code must
// agree on every byte of the canonical encoding, and it must catch an edit.
func TestDocScript(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 not installed; .ci/deps.sh installs it")
		}
		t.Skip("python3 not installed (make test installs it)")
	}
	doc, err := os.ReadFile("../../../docs/AUDIT.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```python\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/AUDIT.md has no ```python block")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "verify_audit.py")
	if err := os.WriteFile(script, m[1], 0o600); err != nil {
		t.Fatal(err)
	}
	conn := open(t, db.Options{DataDir: dir})
	s := sqlstore.New(conn)
	ctx := context.Background()
	awkward := []string{"", "plain", "q\"b\\s/", "\b\f\n\r\t\x01\x1f\x7f", "<&> \u2028\u2029 房间 🎥",
		"nul\x00", "bad\xffutf8", "=1+1", "\\u0041"}
	var in audit.Entry
	for i, s1 := range awkward {
		// Every other row has an app, which the encoding holds only when set.
		app := []string{"", "prod-cn"}[i%2]
		e := audit.Entry{Kind: audit.KindIntent, Actor: s1, UserAgent: s1, Detail: s1, RoomID: "r", App: app,
			Time:    time.Date(2026, 1, 1, 0, 0, i, 999999999, time.UTC),
			Changes: []audit.Change{{Field: s1, Before: `"` + s1 + `"`, After: "-1"}}, ErrorCode: -i, LatencyMS: 1 << 50}
		if err := s.Append(ctx, &e); err != nil {
			t.Fatal(err)
		}
		in = e
	}
	res := audit.Entry{Kind: audit.KindResult, IntentSeq: in.Seq, Outcome: audit.OutcomeOK, ResponseBody: awkward[4]}
	if err := s.Append(ctx, &res); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("Verify = %+v, %v", rep, err)
	}
	path := filepath.Join(dir, "roomdesk.db")
	out, err := exec.Command(python, script, path).CombinedOutput()
	if want := "OK " + "10 rows, last hash " + rep.LastHash; err != nil || strings.TrimSpace(string(out)) != want {
		t.Fatalf("python: %v\n%s\nwant %s", err, out, want)
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET detail = 'x' WHERE seq = 4`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	out, err = exec.Command(python, script, path).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "BROKEN at seq 4") {
		t.Fatalf("python on a tampered log: %v\n%s", err, out)
	}
}
