package audit_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// TestCheckpointText: a checkpoint round-trips through its signed note for
// every tree size a log can have, the empty log's included, and a note
// signed by the right key but not in the checkpoint layout is refused.
func TestCheckpointText(t *testing.T) {
	_, key, err := audit.GenerateSigningKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 30, 0, 500, time.UTC)
	root := tlog.RecordHash([]byte("leaf"))
	for _, n := range []int64{0, 1, 12345} {
		cp, err := audit.SignCheckpoint(tlog.Tree{N: n, Hash: root}, at, key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := audit.OpenCheckpoint(cp.Note, key.Public)
		if err != nil || got.Tree != cp.Tree || !got.Time.Equal(at.Truncate(time.Second)) {
			t.Errorf("tree of %d rows: opened %+v, %v; want %+v at %v", n, got.Tree, err, cp.Tree, at)
		}
	}
	good := audit.CheckpointText(tlog.Tree{N: 7, Hash: root}, at)
	lines := strings.Split(good, "\n")
	for name, text := range map[string]string{
		"negative size":     strings.Replace(good, "\n7\n", "\n-1\n", 1),
		"size not a number": strings.Replace(good, "\n7\n", "\nseven\n", 1),
		"another origin":    strings.Replace(good, audit.CheckpointOrigin, "example.com/log", 1),
		"bad root":          strings.Replace(good, root.String(), "not-a-hash", 1),
		"no time keyword":   strings.Replace(good, "time ", "", 1),
		"bad time":          strings.Replace(good, "2026-03-01T09:30:00Z", "yesterday", 1),
		"three lines":       strings.Join(lines[:3], "\n") + "\n",
	} {
		msg, err := key.Sign(text)
		if err != nil {
			t.Fatal(err)
		}
		if cp, err := audit.OpenCheckpoint(msg, key.Public); err == nil {
			t.Errorf("%s: opened as %+v", name, cp)
		}
	}
}
