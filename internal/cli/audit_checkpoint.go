package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/roomdesk/roomdesk/internal/atomicfile"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// auditConfig is where the checkpoint commands find their key and directory
// (the console's configuration; see config.AuditConfig).
type auditConfig struct {
	KeyFile       string
	KeyGenerated  bool // KeyFile is the fallback in the data dir
	CheckpointDir string
	WitnessURL    string
	Now           func() time.Time
	Client        *http.Client // for the witness
}

// key loads the signing key; create generates the data-dir fallback when
// it does not exist yet.
func (c auditConfig) key(create bool, stderr io.Writer) (*audit.SigningKey, error) {
	if c.KeyFile == "" {
		return nil, errors.New("no signing key configured (ROOMDESK_AUDIT_SIGNING_KEY_FILE)")
	}
	k, created, err := audit.LoadOrCreateSigningKey(c.KeyFile, create && c.KeyGenerated)
	if err != nil {
		return nil, err
	}
	if created {
		fmt.Fprintf(stderr, "generated a new audit signing key in %s\n", c.KeyFile)
	}
	if c.KeyGenerated {
		fmt.Fprintln(stderr, "warning: "+audit.GeneratedKeyWarning(c.KeyFile, k.Public))
	}
	return k, nil
}

func auditProver(store audit.Store) (audit.Prover, error) {
	p, ok := store.(audit.Prover)
	if !ok {
		return nil, fmt.Errorf("this audit store keeps no Merkle tree")
	}
	return p, nil
}

// checkpoint is `roomdesk audit checkpoint [--out FILE]`.
func auditCheckpoint(ctx context.Context, store audit.Store, cfg auditConfig, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("roomdesk audit checkpoint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "also write the checkpoint to this file (default: standard output)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprint(stderr, auditUsage)
		return errUsage
	}
	p, err := auditProver(store)
	if err != nil {
		return err
	}
	key, err := cfg.key(true, stderr)
	if err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	c := &audit.Checkpointer{Log: p, Key: key, Dir: cfg.CheckpointDir, Witness: cfg.WitnessURL, Now: cfg.Now, Client: cfg.Client}
	cp, path, err := c.Checkpoint(ctx, true)
	if path == "" {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	fmt.Fprintf(stderr, "checkpoint of %d rows written to %s\n", cp.Tree.N, path)
	if err != nil {
		fmt.Fprintf(stderr, "warning: %v\n", err)
	}
	if *out == "" {
		_, err := stdout.Write(cp.Note)
		return err
	}
	if err := atomicfile.WriteFile(*out, cp.Note); err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	fmt.Fprintf(stderr, "and to %s\n", *out)
	return nil
}

// auditVerifyCmd is `roomdesk audit verify [--checkpoint FILE] [--key PUBKEY]`.
func auditVerifyCmd(ctx context.Context, store audit.Store, cfg auditConfig, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("roomdesk audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("checkpoint", "", "checkpoint to verify against (default: the newest in the checkpoint directory)")
	pub := fs.String("key", "", "public key the checkpoint must be signed with (default: the signing key's)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprint(stderr, auditUsage)
		return errUsage
	}
	// A mistyped argument is the operator's error, not the log's: say so
	// before checking anything, and never print BROKEN for it.
	if *pub != "" {
		if _, err := note.NewVerifier(*pub); err != nil {
			return fmt.Errorf("audit verify: --key %q is not a public key (want the roomdesk-audit+… line printed at start): %v", safetext.Clip(*pub, 128), err)
		}
	}
	if *file != "" {
		if _, err := os.Stat(*file); err != nil {
			return fmt.Errorf("audit verify: --checkpoint: %w", err)
		}
	}
	if *file == "" && cfg.CheckpointDir != "" {
		newest, err := audit.NewestCheckpoint(cfg.CheckpointDir)
		if err != nil {
			return err
		}
		if newest == "" {
			fmt.Fprintf(stdout, "No checkpoint in %s: only the hash chain is checked, which cannot tell if the newest rows were deleted, or if every hash was recomputed (run roomdesk audit checkpoint).\n", cfg.CheckpointDir)
		} else {
			fmt.Fprintf(stdout, "Using the newest checkpoint in %s: %s\n", cfg.CheckpointDir, newest)
		}
		*file = newest
	}
	if *file == "" {
		return auditVerify(ctx, store, stdout, stderr)
	}
	return auditVerifyCheckpoint(ctx, store, cfg, *file, *pub, stdout, stderr)
}

func auditVerifyCheckpoint(ctx context.Context, store audit.Store, cfg auditConfig, file, pub string, stdout, stderr io.Writer) error {
	p, err := auditProver(store)
	if err != nil {
		return err
	}
	if pub == "" {
		key, err := cfg.key(false, stderr)
		if err != nil {
			return fmt.Errorf("audit verify: the public key: pass --key or configure the signing key: %w", err)
		}
		pub = key.Public
	}
	cp, err := audit.ReadCheckpointFile(file, pub)
	if err != nil {
		fmt.Fprintf(stdout, "BROKEN (signature): %v\n", err)
		return fmt.Errorf("audit verify: %w", err)
	}
	fmt.Fprintf(stdout, "signature: OK, signed by %s\n", pub)
	fmt.Fprintf(stdout, "checkpoint: %d rows, root %s, at %s\n", cp.Tree.N, cp.Tree.Hash, cp.Time.Format(time.RFC3339))
	rep, err := audit.VerifyCheckpoint(ctx, p, cp)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	if !rep.OK() {
		fmt.Fprintf(stdout, "BROKEN (%s): %s\n", rep.Step, rep.Problem)
		return fmt.Errorf("audit verify: %s: %s", rep.Step, rep.Problem)
	}
	fmt.Fprintf(stdout, "consistency: OK, the log's %d rows extend the checkpoint's %d\n", rep.Head.N, cp.Tree.N)
	fmt.Fprintf(stdout, "OK: %d rows checked, hash chain intact, Merkle tree matches the rows and the checkpoint.\n", rep.Chain.Rows)
	if rep.Chain.Rows > 0 {
		fmt.Fprintf(stdout, "head hash: %s\n", rep.Chain.LastHash)
	}
	return nil
}
