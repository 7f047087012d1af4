package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
)

func runWith(t *testing.T, s audit.Store, cfg auditConfig, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = auditCommandWith(context.Background(), s, cfg, args, &o, &e)
	return o.String(), e.String(), err
}

func anchorConfig(t *testing.T) (auditConfig, *audit.SigningKey) {
	t.Helper()
	dir := t.TempDir()
	skey, key, err := audit.GenerateSigningKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "key")
	if err := os.WriteFile(path, []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return auditConfig{KeyFile: path, CheckpointDir: filepath.Join(dir, "checkpoints")}, key
}

func TestCheckpointAndVerify(t *testing.T) {
	s, conn := fixture(t)
	cfg, key := anchorConfig(t)
	out, _, err := runWith(t, s, cfg, "verify")
	if err != nil || !strings.Contains(out, "No checkpoint in") || !strings.Contains(out, "OK: 6 rows checked") {
		t.Fatalf("verify without checkpoints = %v\n%s", err, out)
	}
	cpFile := filepath.Join(t.TempDir(), "cp.txt")
	if _, stderr, err := runWith(t, s, cfg, "checkpoint", "--out", cpFile); err != nil {
		t.Fatalf("checkpoint: %v\n%s", err, stderr)
	}
	b, err := os.ReadFile(cpFile)
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := audit.OpenCheckpoint(b, key.Public); err != nil || cp.Tree.N != 6 {
		t.Fatalf("checkpoint file: %+v, %v\n%s", cp, err, b)
	}
	newest, _ := audit.NewestCheckpoint(cfg.CheckpointDir)
	out, _, err = runWith(t, s, cfg, "verify")
	if err != nil || !strings.Contains(out, "Using the newest checkpoint in "+cfg.CheckpointDir+": "+newest) ||
		!strings.Contains(out, "signature: OK") || !strings.Contains(out, "consistency: OK") {
		t.Fatalf("verify = %v\n%s", err, out)
	}
	// Another key's checkpoint fails at the signature.
	_, other, _ := audit.GenerateSigningKey(rand.Reader)
	out, _, err = runWith(t, s, cfg, "verify", "--checkpoint", cpFile, "--key", other.Public)
	if err == nil || !strings.Contains(out, "BROKEN (signature)") {
		t.Errorf("verify with a foreign key = %v\n%s", err, out)
	}
	// The newest row deleted, with its tree hashes: caught.
	for _, q := range []string{`DROP TRIGGER audit_log_no_delete`, `DROP TRIGGER audit_tree_no_delete`,
		`DELETE FROM audit_log WHERE seq = 6`, `DELETE FROM audit_tree WHERE idx >= 8`} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatal(q, err)
		}
	}
	out, _, err = runWith(t, s, cfg, "verify", "--checkpoint", cpFile)
	if err == nil || !strings.Contains(out, "BROKEN (consistency): the log has 5 rows but the checkpoint covers 6") {
		t.Errorf("verify of a truncated log = %v\n%s", err, out)
	}
}

func TestVerifyExport(t *testing.T) {
	s, _ := fixture(t)
	cfg, key := anchorConfig(t)
	file := filepath.Join(t.TempDir(), "export.jsonl")
	if _, stderr, err := runWith(t, s, cfg, "export", "--format", "jsonl", "--with-proofs", "--out", file); err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	out, _, err := runWith(t, s, cfg, "verify-export", file, "--key", key.Public)
	if err != nil || !strings.Contains(out, "OK: 4 records (6 rows)") {
		t.Fatalf("verify-export = %v\n%s", err, out)
	}
	good, _ := os.ReadFile(file)
	lines := strings.SplitAfter(string(good), "\n")
	tampered := map[string]string{
		"edited line":    strings.Join(lines[:2], "") + strings.Replace(lines[2], `"olga"`, `"mallory"`, 1) + strings.Join(lines[3:], ""),
		"removed line":   strings.Join(lines[:2], "") + strings.Join(lines[3:], ""),
		"cut short":      strings.Join(lines[:len(lines)-2], ""),
		"swapped lines":  lines[0] + lines[2] + lines[1] + strings.Join(lines[3:], ""),
		"outcome edited": strings.Replace(string(good), `"outcome":"failed"`, `"outcome":"ok"`, 1),
	}
	for name, content := range tampered {
		t.Run(name, func(t *testing.T) {
			if content == string(good) {
				t.Fatal("the tampering changed nothing")
			}
			bad := filepath.Join(t.TempDir(), "bad.jsonl")
			if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			out, _, err := runWith(t, s, auditConfig{}, "verify-export", bad, "--key", key.Public)
			if err == nil || !strings.Contains(out, "BROKEN") {
				t.Errorf("verify-export of a tampered file = %v\n%s", err, out)
			}
			t.Log(out)
		})
	}
	_, other, _ := audit.GenerateSigningKey(rand.Reader)
	if out, _, err := runWith(t, s, auditConfig{}, "verify-export", file, "--key", other.Public); err == nil {
		t.Errorf("verify-export with another key succeeded\n%s", out)
	}
}
