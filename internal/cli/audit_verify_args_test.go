package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// A typo in --key or --checkpoint is the operator's mistake, not evidence
// of tampering: verify must refuse it in one clear line and never print
// "BROKEN", which sends people into incident response. And a malformed
// --key must not be ignored when there is no checkpoint to check it on
// (that printed "OK").
func TestVerifyBadArgumentsAreNotBroken(t *testing.T) {
	s, _ := fixture(t)
	cfg, key := anchorConfig(t)
	cases := []struct {
		name string
		args []string
		want string // in the error
	}{
		{"malformed key, no checkpoint yet", []string{"verify", "--key", "garbage"}, "--key"},
		{"missing checkpoint file", []string{"verify", "--checkpoint", filepath.Join(t.TempDir(), "nope"), "--key", key.Public}, "--checkpoint"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runWith(t, s, cfg, tc.args...)
			if err == nil {
				t.Fatalf("verify %v succeeded:\n%s", tc.args, out)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s", err, tc.want)
			}
			if strings.Contains(out+stderr, "BROKEN") || strings.Contains(out, "OK") {
				t.Errorf("a bad argument reported on the log:\n%s%s", out, stderr)
			}
		})
	}
	if _, stderr, err := runWith(t, s, cfg, "checkpoint", "--out", filepath.Join(t.TempDir(), "cp")); err != nil {
		t.Fatalf("checkpoint: %v\n%s", err, stderr)
	}
	out, stderr, err := runWith(t, s, cfg, "verify", "--key", "roomdesk-audit+00000000+garbage")
	if err == nil || !strings.Contains(err.Error(), "--key") || strings.Contains(out+stderr, "BROKEN") {
		t.Errorf("malformed key with a checkpoint: %v\n%s%s", err, out, stderr)
	}
}
