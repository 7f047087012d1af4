package db

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The SQLite file holds password hashes, TOTP seeds, sessions and the
// audit log: it and its WAL and shared-memory files are the owner's alone,
// even in a data dir someone created 0755 beforehand (a Docker volume),
// and an existing file left world-readable by an older version is
// tightened.
func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	for _, pre := range []bool{false, true} {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "roomdesk.db")
		if pre {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		d, err := Open(context.Background(), Options{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(context.Background(), "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"roomdesk.db", "roomdesk.db-wal", "roomdesk.db-shm"} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatalf("pre-existing %v: %v", pre, err)
			}
			if m := fi.Mode().Perm(); m&0o077 != 0 {
				t.Errorf("pre-existing %v: %s has mode %o, want no group/other bits", pre, name, m)
			}
		}
		d.Close()
	}
}
