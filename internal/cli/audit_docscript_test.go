package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestExportDocScript runs the export checker printed in docs/AUDIT.md
// (the ```python block that checks exports) against an export the Go code
// made: both must accept it, and both must refuse an edited or removed line.
func TestExportDocScript(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 not installed; .ci/deps.sh installs it")
		}
		t.Skip("python3 not installed (make test installs it)")
	}
	doc, err := os.ReadFile("../../docs/AUDIT.md")
	if err != nil {
		t.Fatal(err)
	}
	var script []byte
	for _, m := range regexp.MustCompile("(?s)```python\n(.*?)```").FindAllSubmatch(doc, -1) {
		if strings.Contains(string(m[1]), "check_export.py") {
			script = m[1]
		}
	}
	if script == nil {
		t.Fatal("docs/AUDIT.md has no check_export.py block")
	}
	dir := t.TempDir()
	py := filepath.Join(dir, "check_export.py")
	if err := os.WriteFile(py, script, 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := fixture(t)
	cfg, key := anchorConfig(t)
	file := filepath.Join(dir, "export.jsonl")
	if _, stderr, err := runWith(t, s, cfg, "export", "--format", "jsonl", "--with-proofs", "--out", file); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	out, err := exec.Command(python, py, file, key.Public).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "OK 4 records in the checkpoint of 6 rows" {
		t.Fatalf("python on a good export: %v\n%s", err, out)
	}
	good, _ := os.ReadFile(file)
	lines := strings.SplitAfter(string(good), "\n")
	for name, content := range map[string]string{
		"edited line":  strings.Join(lines[:2], "") + strings.Replace(lines[2], `"olga"`, `"mallory"`, 1) + strings.Join(lines[3:], ""),
		"removed line": strings.Join(lines[:2], "") + strings.Join(lines[3:], ""),
	} {
		bad := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(python, py, bad, key.Public).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "BROKEN") {
			t.Errorf("python on an export with an %s: %v\n%s", name, err, out)
		}
		goOut, _, goErr := runWith(t, s, cfg, "verify-export", bad, "--key", key.Public)
		if goErr == nil {
			t.Errorf("Go accepted an export with an %s:\n%s", name, goOut)
		}
	}
	_, other := anchorConfig(t)
	if out, err := exec.Command(python, py, file, other.Public).CombinedOutput(); err == nil {
		t.Errorf("python accepted another key:\n%s", out)
	}
}
