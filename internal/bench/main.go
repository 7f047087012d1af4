// Command bench measures roomdesk and rewrites docs/BENCHMARKS.md. It is
// `make bench`:
//
//	go run ./internal/bench -out docs/BENCHMARKS.md
//
// Everything runs on loopback against the in-process emulator, a temporary
// SQLite database and, when ROOMDESK_TEST_DATABASE_URL is set, a temporary
// PostgreSQL database. Machines are shared and noisy, so the figures that
// matter are ratios taken within one run; nothing here is a test.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"
)

// row is one line of the results table.
type row struct {
	Figure string
	What   string
	Value  string
	Goal   string
	Status string // pass, miss, or "—" for a figure without a goal
	Note   string
}

type bench struct {
	rows       []row
	notes      []string
	rowsAudit  int
	loadFor    time.Duration
	cpuprof    string
	keepAudit  bool
	exportOnly bool
	ownOnly    bool
	pgURL      string
}

func (b *bench) add(r row) {
	if r.Status == "" {
		r.Status = "—"
	}
	b.rows = append(b.rows, r)
	log.Printf("%-8s %-60s %-28s %s %s", r.Figure, r.What, r.Value, r.Goal, r.Status)
}

func (b *bench) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
	log.Printf("note: "+format, args...)
}

func passMiss(ok bool) string {
	if ok {
		return "pass"
	}
	return "miss"
}

func main() {
	out := flag.String("out", "", "write the Markdown report here (default stdout)")
	only := flag.String("only", "", "comma-separated sections to run: edit,pages,load,audit,append,startup,bulk,catalogue (default all; catsweep and catsearch are catalogue's two parts)")
	rows := flag.Int("rows", 1_000_000, "audit rows for the list and export figures")
	load := flag.Duration("load", 60*time.Second, "how long the 50-operator load runs")
	prof := flag.String("cpuprofile-dir", "", "write a CPU profile per section here")
	keep := flag.Bool("keep-audit", false, "audit section: load its rows into a database named after -rows that is kept (in $TMPDIR, and on PostgreSQL) and reused by the next run with -keep-audit")
	exportOnly := flag.Bool("export-only", false, "audit section: the CSV export figures only (no list figures, no chain check)")
	ownOnly := flag.Bool("own-only", false, "edit section: roomdesk's own time per edit only (no 20 ms rounds)")
	flag.Parse()
	log.SetFlags(log.Ltime)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	b := &bench{rowsAudit: *rows, loadFor: *load, cpuprof: *prof, keepAudit: *keep, exportOnly: *exportOnly, ownOnly: *ownOnly, pgURL: os.Getenv("ROOMDESK_TEST_DATABASE_URL")}
	started := time.Now()
	sections := []struct {
		name string
		run  func(context.Context, *bench) error
		part bool // run only when named in -only
	}{
		{"edit", benchEdits, false},
		{"pages", benchPages, false},
		{"load", benchLoad, false},
		{"audit", benchAudit, false},
		{"append", benchAppends, false},
		{"startup", benchStartup, false},
		{"bulk", benchBulk, false},
		{"catalogue", benchCatalogue, false},
		{"catsweep", benchSweepWithEdits, true}, // the catalogue section's parts alone
		{"catsearch", benchSearches, true},
	}
	for _, s := range sections {
		named := strings.Contains(","+*only+",", ","+s.name+",")
		if (*only != "" || s.part) && !named {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		log.Printf("== %s", s.name)
		t0 := time.Now()
		stopProf := b.profile(s.name)
		err := s.run(ctx, b)
		stopProf()
		if err != nil {
			b.note("section %s failed: %v", s.name, err)
		}
		log.Printf("== %s done in %v", s.name, time.Since(t0).Round(time.Second))
	}
	md := b.markdown(started, time.Since(started))
	if *out == "" {
		fmt.Print(md)
		return
	}
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", *out)
}

func (b *bench) markdown(started time.Time, took time.Duration) string {
	var w strings.Builder
	fmt.Fprintf(&w, "# roomdesk benchmarks\n\n")
	fmt.Fprintf(&w, "Written by `make bench` (`go run ./internal/bench -out docs/BENCHMARKS.md`); do not edit by hand.\n")
	fmt.Fprintf(&w, "The machine is shared and noisy: compare figures within one run (ratios), not across runs.\n\n")
	fmt.Fprintf(&w, "- Machine: %s, %d cores (GOMAXPROCS %d), %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&w, "- Go: %s\n", runtime.Version())
	fmt.Fprintf(&w, "- Date: %s (run took %v)\n", started.UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second))
	fmt.Fprintf(&w, "- Command: `%s`\n\n", strings.Join(append([]string{"go run ./internal/bench"}, os.Args[1:]...), " "))
	fmt.Fprintf(&w, "| # | Measurement | Result | Goal | |\n|---|---|---|---|---|\n")
	for _, r := range b.rows {
		v := r.Value
		if r.Note != "" {
			v += " (" + r.Note + ")"
		}
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %s |\n", r.Figure, r.What, v, r.Goal, r.Status)
	}
	if len(b.notes) > 0 {
		fmt.Fprintf(&w, "\n## Notes\n\n")
		for _, n := range b.notes {
			fmt.Fprintf(&w, "- %s\n", n)
		}
	}
	fmt.Fprintf(&w, "\n%s", methodology)
	return w.String()
}

const methodology = `## How each figure is taken

1. **Edit round trip.** A signed-in operator posts the edit form (htmx) to
   POST /rooms/{id} through the whole middleware stack, with a real SQLite
   audit log (synchronous=FULL), against the in-process emulator with 20 ms
   added to every call. The baseline is the bare signed calls a safe edit
   needs (get_room_info then update_room_info) made with internal/tencent
   to the same emulator. Every edit changes something (alternating values),
   and each worker edits rooms of its own, so nothing conflicts. The client's
   default pacing (197 requests/s per command, under Tencent's 200/s quota)
   applies to both sides; at concurrency 16 with 20 ms calls the ideal would
   be 400 edits/s, so both sides are pacing-bound there, as production is.
   "Own time" is the edit's total minus the time spent in Tencent calls
   (the client's Observe hook), with no added latency, sequentially, the
   edits spaced 10 ms apart so the pacing never makes a call queue (the
   row says how many did). Beside it the whole process's CPU time
   (getrusage: client, server and emulator) over those 300 edits against
   over 300 bare calls. ` + "`-own-only`" + ` runs this part alone.
2. **Pages.** GET /rooms/{id} (one get_room_info behind it, so it is bound by
   the same pacing) and the first audit page, 16 concurrent clients.
3. **Audit log at 1,000,000 rows.** A bulk loader writes a valid chain
   (hashes from audit.ComputeHash; SQLite: big transactions of multi-row
   INSERTs; PostgreSQL: COPY), then each filter's first page and a deep
   page (cursor near the oldest row) are timed through sqlstore.List, p95
   of repeated calls. PostgreSQL is ANALYZEd after the load, as autovacuum
   would; SQLite is queried as roomdesk leaves it.
4. **CSV export** of the whole log through audit.Export (what the
   console's download and ` + "`roomdesk audit export`" + ` use) into a counting
   writer, after one untimed dump of the same rows has warmed the page
   cache (both sides are timed warm); peak RSS growth from VmHWM after resetting it via
   /proc/self/clear_refs, falling back to sampling VmRSS; the process's
   CPU time beside the wall time. Beside it, in the same run, the
   database's own CSV dump of the rows the export reads
   (sqlstore.PairedExportQuery: every row of audit_log newest first, the
   columns the CSV shows, a result row's other columns NULL): the sqlite3
   shell in -csv mode (its CPU time too), or PostgreSQL's COPY (...) TO
   STDOUT WITH CSV; the goal is within 2x of it. Then, for comparison,
   the dump of what the export read until it stopped joining: every
   record with its result joined on, all columns of both.
5. **Appends** through sqlstore.Store.Append, hash chain included, on a
   fresh database.
6. **Start to ready**: ` + "`go build`" + ` then ` + "`roomdesk serve`" + ` against a loopback
   emulator; time until it prints "ready" and until /healthz answers; idle
   RSS from /proc/<pid>/status one second after ready.
**cat. Room catalogue (issue 13's acceptance).** The sweep first: an
emulator enforcing Tencent's quotas (10/s get_room_list, 200/s the others)
holds 5,000 rooms; 8 workers edit rooms (get_room_info, then
update_room_info through rooms.Service, audit log on SQLite) and an
operator loads Tencent's room list every 500 ms, all on one client at the
production pace: 20 s alone, then while one sweep runs (its calls are
tencent.Background), then 20 s alone again. The edit rate during the sweep
over the mean of the two alone is the figure; quota refusals are counted
from the client's Observe hook over the whole run; edits refused with
SQLITE_BUSY are counted, not fatal. Then a Latin and two Chinese fragments
of one room's name are searched for on the swept catalogue. The searches:
100,000 synthetic rooms (names of three Latin or Chinese words and a
number, one "Ramen Quokka 拉面之夜 宵夜") are put in the catalogue in batches
(PostgreSQL is then VACUUM ANALYZEd, as autovacuum would; SQLite is left as
roomdesk leaves it), then each search's first page (20 rooms) is timed 60
times through catalogue.Store.Search in-process, the first 5 dropped, p95
of wall-clock time; on SQLite also the CPU time of the thread that ran the
search (SQLite runs in the calling goroutine), which the shared machine's
load does not inflate. The deep page is the 50th by keyset cursor.
`

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
