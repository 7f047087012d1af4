package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// fakeTTY is standard output that says it is a terminal (a character
// device), as *os.File does for a tty.
type fakeTTY struct{ bytes.Buffer }

type ttyInfo struct{ os.FileInfo }

func (ttyInfo) Mode() os.FileMode { return os.ModeDevice | os.ModeCharDevice | 0o620 }

func (f *fakeTTY) Stat() (os.FileInfo, error) { return ttyInfo{}, nil }

// Finding 7: a username made of terminal escapes became an audit actor,
// and `roomdesk audit export` wrote the escapes raw to the terminal. On a
// terminal every control character now arrives as a visible escape; in a
// file or pipe the records are unchanged.
func TestExportEscapesControlsOnATerminal(t *testing.T) {
	s := sqlstore.New(dbtest.Open(t, db.SQLite))
	evil := "x\x1b]0;owned\a\x1b[2J\u202eevil"
	e := audit.Entry{Time: time.Now(), Kind: audit.KindEvent, Actor: evil, Action: audit.ActionLoginFailed,
		Outcome: audit.OutcomeDenied, Detail: "unknown user"}
	if err := s.Append(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"csv", "jsonl"} {
		var tty fakeTTY
		var stderr bytes.Buffer
		if err := auditCommand(context.Background(), s, []string{"export", "--format", format}, &tty, &stderr); err != nil {
			t.Fatal(err)
		}
		out := tty.String()
		if strings.ContainsAny(out, "\x1b\a\u202e") {
			t.Errorf("%s: raw control characters reached the terminal: %q", format, out)
		}
		if format == "csv" && !strings.Contains(out, `x\x1b]0;owned\x07\x1b[2J\u202eevil`) {
			t.Errorf("%s: escaped actor missing: %q", format, out)
		}
	}
	// A file keeps the data as stored (CSV quoting is the reader's job).
	var file bytes.Buffer
	if err := auditCommand(context.Background(), s, []string{"export"}, &file, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(file.String(), "\u202eevil") {
		t.Errorf("non-terminal output was altered: %q", file.String())
	}
	// JSON Lines, even in a file, carries no raw bidi or C1 characters:
	// they are \u escapes, which decode to the same value.
	var jsonl bytes.Buffer
	if err := auditCommand(context.Background(), s, []string{"export", "--format", "jsonl"}, &jsonl, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(jsonl.String(), "\x1b\a\u202e") || !strings.Contains(jsonl.String(), `\u202eevil`) {
		t.Errorf("jsonl: %q", jsonl.String())
	}
}
