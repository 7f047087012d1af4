package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"

	"github.com/roomdesk/roomdesk/internal/atomicfile"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

const auditUsage = `usage:
  roomdesk audit verify [--checkpoint FILE] [--key PUBKEY]
      Prove the log still holds what a signed checkpoint covered: its
      signature, a Merkle consistency proof, then the whole hash chain and
      tree. Without --checkpoint, the newest in the checkpoint directory.
      Prints OK, or the first broken row and what is wrong (and exits non-zero).
  roomdesk audit checkpoint [--out FILE]
      Sign the log's tree size, root hash and time (a signed note) into the
      checkpoint directory, and to FILE (default: standard output).
  roomdesk audit verify-export FILE --key PUBKEY
      Check an export made with --with-proofs, without the database.
  roomdesk audit export [flags]
      Write the records matching the filter, newest first, as the console's
      export does.
      --app ID  --room ID  --actor NAME  --action ACTION  --outcome ok|failed|unknown|denied
      --request-id ID  --job ID  --from TIME  --to TIME   (e.g. 2025-03-01 14:30 or 2025-03-01;
                                                         --to includes the minute/day given)
      --tz ZONE            the IANA zone --from and --to are read in (default UTC;
                           the console's export links carry the viewer's). The
                           output's times are UTC whatever --tz says.
      --room and --actor match by prefix (--room live_10 finds live_1001).
      --format csv|jsonl   (default csv)
      --with-proofs        (jsonl) add a signed checkpoint and each row's
                           inclusion proof, for verify-export
      --out FILE           (default: standard output)
`

// runAudit is `roomdesk audit verify` and `roomdesk audit export`: what an
// auditor runs against the database without the web console.
func runAudit(ctx context.Context, args []string, env Env) error {
	cfg, d, err := openDB(ctx, env)
	if err != nil {
		return err
	}
	defer d.Close()
	key, generated := cfg.Audit.KeyFile(cfg.DataDir)
	acfg := auditConfig{KeyFile: key, KeyGenerated: generated,
		CheckpointDir: cfg.Audit.CheckpointDir, WitnessURL: cfg.Audit.WitnessURL}
	return auditCommandWith(ctx, sqlstore.New(d), acfg, args, env.Stdout, env.Stderr)
}

// auditCommand runs one audit subcommand without checkpoint configuration.
func auditCommand(ctx context.Context, store audit.Store, args []string, stdout, stderr io.Writer) error {
	return auditCommandWith(ctx, store, auditConfig{}, args, stdout, stderr)
}

// auditCommandWith runs one audit subcommand; args start after "audit".
func auditCommandWith(ctx context.Context, store audit.Store, cfg auditConfig, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, auditUsage)
		return errUsage
	}
	switch args[0] {
	case "verify":
		return auditVerifyCmd(ctx, store, cfg, args[1:], stdout, stderr)
	case "checkpoint":
		return auditCheckpoint(ctx, store, cfg, args[1:], stdout, stderr)
	case "export":
		return auditExport(ctx, store, cfg, args[1:], stdout, stderr)
	case "verify-export":
		return auditVerifyExport(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, auditUsage)
		return nil
	default:
		fmt.Fprintf(stderr, "roomdesk audit: unknown subcommand %q\n%s", args[0], auditUsage)
		return errUsage
	}
}

func auditVerify(ctx context.Context, store audit.Store, stdout, stderr io.Writer) error {
	rep, err := store.Verify(ctx)
	if err != nil {
		// Could not finish reading: that is not a verdict either way.
		fmt.Fprintf(stderr, "audit verify: could not read the log after %d rows: %v\n", rep.Rows, err)
		return fmt.Errorf("audit verify: %w", err)
	}
	if !rep.OK() {
		fmt.Fprintf(stdout, "BROKEN: row seq %d: %s\n", rep.FirstBad, rep.Problem)
		fmt.Fprintf(stdout, "%d rows checked; the %d before seq %d chain correctly.\n",
			rep.Rows, max(rep.Rows-1, 0), rep.FirstBad)
		return fmt.Errorf("audit verify: chain broken at seq %d: %s", rep.FirstBad, rep.Problem)
	}
	fmt.Fprintf(stdout, "OK: %d rows checked, hash chain intact.\n", rep.Rows)
	if rep.Rows > 0 {
		// The head hash is what an auditor writes down: a later verify
		// whose chain still passes through it proves nothing before it changed.
		fmt.Fprintf(stdout, "head hash: %s\n", rep.LastHash)
	}
	return nil
}

// exportFlags maps each flag to its filter key (see audit.FilterKeys).
var exportFlags = map[string]string{
	"app": "app", "room": "room", "actor": "actor", "action": "action", "outcome": "outcome",
	"request-id": "request_id", "job": "job", "from": "from", "to": "to", "tz": "tz",
}

func auditExport(ctx context.Context, store audit.Store, cfg auditConfig, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("roomdesk audit export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, auditUsage) }
	vals := map[string]*string{}
	for name, key := range exportFlags {
		vals[key] = fs.String(name, "", "filter: "+key)
	}
	format := fs.String("format", "csv", "csv or jsonl")
	out := fs.String("out", "", "output file (default standard output)")
	withProofs := fs.Bool("with-proofs", false, "jsonl: add a signed checkpoint and inclusion proofs")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "roomdesk audit export: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	q := url.Values{}
	for k, v := range vals {
		q.Set(k, *v)
	}
	f, errs := audit.ParseFilter(q)
	if len(errs) > 0 {
		return filterError(errs, stderr)
	}
	if *format != "csv" && *format != "jsonl" {
		fmt.Fprintf(stderr, "roomdesk audit export: --format must be csv or jsonl, not %q\n", *format)
		return errUsage
	}
	write := func(w io.Writer) (int, error) { return audit.Export(ctx, store, f, *format, w, nil) }
	if *withProofs {
		if *format != "jsonl" {
			fmt.Fprintln(stderr, "roomdesk audit export: --with-proofs needs --format jsonl")
			return errUsage
		}
		var err error
		if write, err = proofExport(ctx, store, cfg, f, stderr); err != nil {
			return err
		}
	}
	if *out == "" {
		w, flush := terminalSafe(stdout)
		_, err := write(w)
		if ferr := flush(); err == nil {
			err = ferr
		}
		return err
	}
	n, err := exportFile(*out, write)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "exported %d records to %s\n", n, *out)
	return nil
}

// terminalSafe wraps w when it is a terminal, so control characters in
// the log (a username made of escape sequences, a room name with ESC [ 2 J
// or U+202E) are shown as visible escapes instead of being obeyed by the
// terminal. A file or pipe gets the records unchanged.
func terminalSafe(w io.Writer) (io.Writer, func() error) {
	f, ok := w.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return w, func() error { return nil }
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return w, func() error { return nil }
	}
	tw := safetext.NewTerminalWriter(w)
	return tw, tw.Flush
}

// filterError prints every bad flag, named as the user typed it.
func filterError(errs map[string]string, stderr io.Writer) error {
	flagOf := map[string]string{}
	for name, key := range exportFlags {
		flagOf[key] = name
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(stderr, "roomdesk audit export: --%s: %s\n", flagOf[k], errs[k])
	}
	return errUsage
}

// exportFile writes the export atomically (atomicfile.Write), so an
// interrupted export never leaves a truncated file that looks complete.
func exportFile(path string, write func(io.Writer) (int, error)) (int, error) {
	var n int
	err := atomicfile.Write(path, func(w io.Writer) error {
		var err error
		n, err = write(w)
		return err
	})
	return n, err // names the file; the command line already says "roomdesk audit"
}
