package config

import (
	"net/url"
	"path/filepath"
	"time"
)

// Audit anchoring: where the checkpoint signing key and the checkpoints
// live (docs/AUDIT.md, "Checkpoints"). Both belong on storage the
// database's administrators cannot rewrite.
const (
	EnvAuditSigningKeyFile     = "ROOMDESK_AUDIT_SIGNING_KEY_FILE"
	EnvAuditCheckpointInterval = "ROOMDESK_AUDIT_CHECKPOINT_INTERVAL"
	EnvAuditCheckpointDir      = "ROOMDESK_AUDIT_CHECKPOINT_DIR"
	EnvAuditWitnessURL         = "ROOMDESK_AUDIT_WITNESS_URL"

	DefaultAuditCheckpointInterval = 5 * time.Minute
)

// AuditConfig is the audit log's anchoring outside the database.
type AuditConfig struct {
	// SigningKeyFile holds the checkpoint signing key (a note private key).
	// Empty: a key generated into the data dir on first start, with a
	// warning at every start (KeyGenerated).
	SigningKeyFile string
	// CheckpointInterval: the server signs a checkpoint this often, when
	// the log grew. 0 turns the periodic checkpoints off.
	CheckpointInterval time.Duration
	CheckpointDir      string
	// WitnessURL, if set, receives each checkpoint as a POST.
	WitnessURL string
}

// KeyFile is the signing key's path and whether it is the generated
// fallback in the data dir.
func (a AuditConfig) KeyFile(dataDir string) (path string, generated bool) {
	if a.SigningKeyFile != "" {
		return a.SigningKeyFile, false
	}
	return filepath.Join(dataDir, "audit-signing.key"), true
}

func (l *loader) auditConfig(dataDir string) AuditConfig {
	a := AuditConfig{
		SigningKeyFile:     l.get(EnvAuditSigningKeyFile),
		CheckpointDir:      l.or(EnvAuditCheckpointDir, filepath.Join(dataDir, "checkpoints")),
		WitnessURL:         l.get(EnvAuditWitnessURL),
		CheckpointInterval: DefaultAuditCheckpointInterval,
	}
	if v := l.get(EnvAuditCheckpointInterval); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || (d > 0 && d < time.Second) {
			l.fail(EnvAuditCheckpointInterval, "%q is not a duration of at least 1s (e.g. 5m), or 0 for none", v)
		}
		a.CheckpointInterval = d
	}
	if a.WitnessURL != "" {
		u, err := url.Parse(a.WitnessURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.fail(EnvAuditWitnessURL, "must be an http:// or https:// URL")
		}
	}
	return a
}
