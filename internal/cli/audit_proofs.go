package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// proofExport signs a fresh checkpoint (kept in the checkpoint directory
// like any other) and returns the writer of an export with proofs against
// it: the export covers the log as of that checkpoint.
func proofExport(ctx context.Context, store audit.Store, cfg auditConfig, f audit.Filter, stderr io.Writer) (func(io.Writer) (int, error), error) {
	p, err := auditProver(store)
	if err != nil {
		return nil, err
	}
	key, err := cfg.key(true, stderr)
	if err != nil {
		return nil, fmt.Errorf("audit export --with-proofs: %w", err)
	}
	c := &audit.Checkpointer{Log: p, Key: key, Dir: cfg.CheckpointDir, Witness: cfg.WitnessURL, Now: cfg.Now, Client: cfg.Client}
	cp, path, err := c.Checkpoint(ctx, true)
	if path == "" {
		return nil, fmt.Errorf("audit export --with-proofs: %w", err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "warning: %v\n", err)
	}
	fmt.Fprintf(stderr, "export as of checkpoint %s (%d rows); check it with: roomdesk audit verify-export FILE --key %s\n",
		path, cp.Tree.N, key.Public)
	return func(w io.Writer) (int, error) {
		pw := audit.NewProofWriter(ctx, w, p, cp, key)
		n := 0
		err := store.Export(ctx, f, func(r audit.Record) error {
			if r.Entry.Seq <= cp.Tree.N {
				n++
			}
			return pw.Write(r)
		})
		if err == nil {
			err = pw.Finish()
		}
		if err != nil {
			return n, fmt.Errorf("audit export: %w", err)
		}
		return n, nil
	}, nil
}

// auditVerifyExport is `roomdesk audit verify-export FILE --key PUBKEY`: no
// database, no configuration, only the file and the public key.
func auditVerifyExport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("roomdesk audit verify-export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "", "the public key the export's checkpoint is signed with")
	// FILE may come before or after --key.
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		fmt.Fprint(stderr, auditUsage)
		return errUsage
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 || file == "" || *key == "" {
		fmt.Fprintln(stderr, "roomdesk audit verify-export: want FILE and --key PUBKEY")
		return errUsage
	}
	in, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("audit verify-export: %w", err)
	}
	defer in.Close()
	rep, err := audit.VerifyExport(in, *key)
	if err != nil {
		fmt.Fprintf(stdout, "BROKEN: %s: %v\n", file, err)
		return fmt.Errorf("audit verify-export: %w", err)
	}
	fmt.Fprintf(stdout, "OK: %d records (%d rows), each proved in the signed checkpoint of %d rows at %s; the file is exactly as signed.\n",
		rep.Records, rep.Rows, rep.Checkpoint.Tree.N, rep.Checkpoint.Time.Format("2006-01-02T15:04:05Z"))
	return nil
}
