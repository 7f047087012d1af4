package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
)

func benchAudit(ctx context.Context, b *bench) error {
	dialects := []db.Dialect{db.SQLite}
	if b.pgURL != "" {
		dialects = append(dialects, db.Postgres)
	} else {
		b.note("PostgreSQL figures skipped: ROOMDESK_TEST_DATABASE_URL is not set")
	}
	for _, d := range dialects {
		if err := benchAuditDialect(ctx, b, d); err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
	}
	return nil
}

func benchAuditDialect(ctx context.Context, b *bench, d db.Dialect) error {
	s := synth{n: b.rowsAudit, start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	keep := ""
	if b.keepAudit {
		keep = fmt.Sprintf("roomdesk_bench_keep_%d", s.n)
	}
	t, err := openDB(ctx, d, b.pgURL, keep)
	if err != nil {
		return err
	}
	defer t.drop()
	var have int64
	if err := t.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_log").Scan(&have); err != nil {
		return err
	}
	t0 := time.Now()
	switch {
	case have == int64(s.n):
		b.note("%s: reused the %d rows a previous run loaded (-keep-audit)", d, s.n)
	case have != 0:
		return fmt.Errorf("the kept database %s holds %d rows, not %d: drop it (an interrupted load?)", keep, have, s.n)
	default:
		if err := load(ctx, t.DB, s); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		b.note("%s: loaded %d chained rows in %v", d, s.n, time.Since(t0).Round(100*time.Millisecond))
	}
	store := sqlstore.New(t.DB)
	if b.exportOnly {
		return benchExport(ctx, b, d, t, store, s)
	}
	t0 = time.Now()
	if err := store.SyncTree(ctx); err != nil {
		return fmt.Errorf("tree: %w", err)
	}
	b.note("%s: built the Merkle tree of %d rows (as an upgraded database does once) in %v", d, s.n, time.Since(t0).Round(100*time.Millisecond))
	if v, err := store.Verify(ctx); err != nil || !v.OK() {
		return fmt.Errorf("the loaded chain does not verify: %+v %v", v, err)
	}
	mid := s.start.Add(time.Duration(s.n/2) * 50 * time.Millisecond)
	filters := []struct {
		name   string
		f      audit.Filter
		before int64
	}{
		{"no filter", audit.Filter{}, 0},
		{"room", audit.Filter{RoomID: "live_00042"}, 0},
		// No entry at all: the question "what happened to this room?"
		// for a room nobody touched, the worst case for a walk of the log.
		{"room with no entries", audit.Filter{RoomID: "live_99999"}, 0},
		{"actor", audit.Filter{Actor: "operator07"}, 0},
		{"action", audit.Filter{Action: audit.ActionLoginFailed}, 0},
		{"outcome failed", audit.Filter{Outcome: audit.OutcomeFailed}, 0},
		{"outcome unknown", audit.Filter{Outcome: audit.OutcomeUnknown}, 0},
		{"request id", audit.Filter{RequestID: fmt.Sprintf("req-%d", findResult(s, s.n/3))}, 0},
		{"time range (1 h mid-log)", audit.Filter{From: mid, To: mid.Add(time.Hour)}, 0},
		{"deep page, no filter (cursor 1000)", audit.Filter{}, 1000},
		{"deep page, actor (cursor 1000)", audit.Filter{Actor: s.entry(500, 0).Actor}, 1000},
	}
	for _, fl := range filters {
		var lat []time.Duration
		got := 0
		for i := range 40 {
			t0 := time.Now()
			p, err := store.List(ctx, fl.f, fl.before, 50)
			if err != nil {
				return fmt.Errorf("list %s: %w", fl.name, err)
			}
			if i > 0 { // the first call warms caches and plans
				lat = append(lat, time.Since(t0))
			}
			got = len(p.Records)
		}
		p95 := pct(lat, 95)
		b.add(row{Figure: "3", What: fmt.Sprintf("%s, %d rows: list %s, p95", d, s.n, fl.name),
			Value: ms(p95), Goal: "< 10 ms", Status: passMiss(p95 < 10*time.Millisecond),
			Note: fmt.Sprintf("%d records, p50 %s", got, ms(pct(lat, 50)))})
	}
	return benchExport(ctx, b, d, t, store, s)
}

// benchExport is figure 4: the CSV export of the whole log, and the
// database's own dumps beside it.
func benchExport(ctx context.Context, b *bench, d db.Dialect, t *tmpDB, store *sqlstore.Store, s synth) error {
	// Warm up first, untimed: the database's own dump of the rows the
	// export reads brings their pages into the page cache (and PostgreSQL's
	// buffers). Otherwise whichever side runs first pays the cold reads of
	// a database that left the cache (seen: 46 s against a warm 3 s).
	if _, _, _, _, err := nativeCSV(ctx, t, sqlstore.PairedExportQuery()); err != nil {
		b.note("%s: the warm-up dump failed (%v); the first timing may include cold reads", d, err)
	}
	var cw countWriter
	var n int
	t0, cpu0 := time.Now(), cpuTime()
	growth, err := peakRSS(func() error {
		var err error
		n, err = audit.Export(ctx, store, audit.Filter{}, "csv", &cw, nil)
		return err
	})
	took, cpu := time.Since(t0), cpuTime()-cpu0
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	b.add(row{Figure: "4", What: fmt.Sprintf("%s: CSV export of %d rows, time", d, s.n), Value: fmt.Sprintf("%.1f s", took.Seconds()),
		Goal: "< 3 s", Status: passMiss(took < 3*time.Second), Note: fmt.Sprintf("%d records, %.0f MB; CPU %.1f s", n, float64(cw.n)/1e6, cpu.Seconds())})
	b.add(row{Figure: "4", What: fmt.Sprintf("%s: CSV export, peak RSS growth", d), Value: mib(growth),
		Goal: "< 32 MB", Status: passMiss(growth < 32*1024)})
	// The goal's baseline: the database dumping the rows the export reads
	// (sqlstore.PairedExportQuery, every row of audit_log newest first,
	// the columns the CSV shows). The old join's dump is shown beside it.
	native, nativeCPU, nb, how, err := nativeCSV(ctx, t, sqlstore.PairedExportQuery())
	if err != nil {
		b.note("%s: the database's own CSV dump was not measured: %v", d, err)
		return nil
	}
	ratio := took.Seconds() / native.Seconds()
	note := fmt.Sprintf("%.0f MB; roomdesk's export takes %.2fx that", float64(nb)/1e6, ratio)
	if nativeCPU > 0 {
		note += fmt.Sprintf("; CPU %.1f s, the export's %.2fx that", nativeCPU.Seconds(), cpu.Seconds()/nativeCPU.Seconds())
	}
	b.add(row{Figure: "4", What: fmt.Sprintf("%s: the rows the export reads dumped by %s, time", d, how), Value: fmt.Sprintf("%.1f s", native.Seconds()),
		Note: note,
		Goal: "export within 2x", Status: passMiss(ratio <= 2)})
	joined, _, jb, _, err := nativeCSV(ctx, t, joinedRecords)
	if err != nil {
		b.note("%s: the join's dump was not measured: %v", d, err)
		return nil
	}
	b.add(row{Figure: "4", What: fmt.Sprintf("%s: every record with its result joined on, all columns, dumped by %s, time", d, how), Value: fmt.Sprintf("%.1f s", joined.Seconds()),
		Note: fmt.Sprintf("%.0f MB; the export's query until it stopped joining", float64(jb)/1e6)})
	return nil
}

// findResult is the row index of a result row at or after i.
func findResult(s synth, i int) int {
	var open int64
	for j := 0; j < s.n; j++ {
		e := s.entry(j, open)
		open = 0
		if e.Kind == audit.KindIntent && j%1000 != 999 && j+1 < s.n {
			open = int64(j + 1)
		}
		if j >= i && e.Kind == audit.KindResult {
			return j
		}
	}
	return i
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// benchAppends measures Append, chain included, on a fresh database.
func benchAppends(ctx context.Context, b *bench) error {
	dialects := []db.Dialect{db.SQLite}
	if b.pgURL != "" {
		dialects = append(dialects, db.Postgres)
	}
	for _, d := range dialects {
		t, err := openTemp(ctx, d, b.pgURL)
		if err != nil {
			return err
		}
		store := sqlstore.New(t.DB)
		for _, c := range []int{1, 8} {
			n, took, err := appendFor(ctx, store, c, 3*time.Second)
			if err != nil {
				t.drop()
				return err
			}
			b.add(row{Figure: "5", What: fmt.Sprintf("%s: audit appends/s with the hash chain, %s", d, map[int]string{1: "sequential", 8: "8 concurrent"}[c]),
				Value: fmt.Sprintf("%.0f/s", float64(n)/took.Seconds()), Note: syncNote(d)})
		}
		if v, err := store.Verify(ctx); err != nil || !v.OK() {
			b.note("%s: chain after the append figure does not verify: %+v %v", d, v, err)
		}
		t.drop()
	}
	return nil
}

func syncNote(d db.Dialect) string {
	if d == db.SQLite {
		return "synchronous=FULL, WAL"
	}
	return "synchronous_commit on"
}

func appendFor(ctx context.Context, s *sqlstore.Store, c int, d time.Duration) (int, time.Duration, error) {
	var mu sync.Mutex
	n := 0
	var first error
	end := time.Now().Add(d)
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(end); i++ {
				e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLogin, Actor: fmt.Sprintf("w%d", w),
					ActorRole: "operator", ClientIP: "127.0.0.1", Outcome: audit.OutcomeOK, Detail: fmt.Sprint(i)}
				err := s.Append(ctx, &e)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				if err == nil {
					n++
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return n, time.Since(t0), first
}
