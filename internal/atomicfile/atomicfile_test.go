package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesWholeOrNotAtAll(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := WriteFile(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "half of the second")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the writer's own error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Errorf("a failed write changed the file to %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
	missing := filepath.Join(dir, "no", "such", "dir.txt")
	if err := WriteFile(missing, nil); err == nil || !strings.Contains(err.Error(), "cannot write "+missing+": ") || strings.Contains(err.Error(), ".part") {
		t.Errorf("error %v should name %s and not the temporary file", err, missing)
	}
}
