package sqlstore_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// fill appends n rows (intents with results, some events) in batches, each
// row chained exactly as Append would.
// It returns the number of records (intents and events).
func fill(t testing.TB, s *sqlstore.Store, n int, body string) int {
	t.Helper()
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 5000
	var es []*audit.Entry
	seq := int64(0) // the store's seq, tracked here to point results at intents
	flush := func() {
		if err := s.AppendBatch(ctx, es); err != nil {
			t.Fatalf("AppendBatch: %v", err)
		}
		es = es[:0]
	}
	records := 0
	for seq < int64(n) {
		seq++
		records++
		at := base.Add(time.Duration(seq) * time.Second)
		room := fmt.Sprintf("room-%d", seq%500)
		if records%10 == 0 || seq == int64(n) {
			es = append(es, &audit.Entry{Time: at, Kind: audit.KindEvent, Actor: "bob",
				Action: audit.ActionLogin, Outcome: audit.OutcomeOK, UserAgent: body})
		} else {
			es = append(es, &audit.Entry{Time: at, Kind: audit.KindIntent, Actor: "alice",
				Action: audit.ActionRoomUpdate, RoomID: room, RequestBody: body, Detail: body,
				Changes: []audit.Change{{Field: "Notice", Before: `"x"`, After: `"y"`}}})
			seq++
			es = append(es, &audit.Entry{Time: at, Kind: audit.KindResult, IntentSeq: seq - 1,
				Action: audit.ActionRoomUpdate, RoomID: room, Outcome: audit.OutcomeOK,
				ActionStatus: "OK", RequestID: fmt.Sprintf("req-%d", seq), ResponseBody: body, Attempts: 1})
		}
		if len(es) >= batch {
			flush()
		}
	}
	flush()
	return records
}

// countingWriter discards what it is given but checks, every few MB, that
// the live heap has not grown with the bytes: a buffered export would.
type countingWriter struct {
	t         *testing.T
	base      uint64
	bytes     int64
	next      int64
	maxGrowth uint64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.bytes += int64(len(p))
	if w.bytes >= w.next {
		w.next = w.bytes + 8<<20
		// One reading: two could straddle a collection and wrap around.
		h := liveHeap()
		if g := h - min(h, w.base); g > w.maxGrowth {
			w.maxGrowth = g
		}
	}
	return len(p), nil
}

// liveHeap is the heap in use after a collection, so garbage not yet swept
// cannot make the test flaky.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestExportStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("fills 100,000 rows")
	}
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			// >1.5 KB per record: >75 MB in all, three times what the heap
			// may grow by, so a buffering export cannot pass.
			rows, body, minBytes := 100_000, strings.Repeat("b", 1500), int64(75<<20)
			if d == db.SQLite && raceEnabled {
				// The race detector instruments modernc's transpiled C, which
				// makes filling 100,000 rows take minutes. Fewer, larger rows
				// stream 40-125 MB, still far more than the heap may hold; the
				// 100,000-row run is the non-race one (and make bench's 1M).
				rows, body, minBytes = 10_000, strings.Repeat("b", 8500), 40<<20
			}
			s := sqlstore.New(dbtest.Open(t, d))
			records := fill(t, s, rows, body)
			for _, format := range []string{"csv", "jsonl"} {
				t.Run(format, func(t *testing.T) {
					w := &countingWriter{t: t, base: liveHeap()}
					var rw audit.RecordWriter = audit.NewCSVWriter(w)
					if format == "jsonl" {
						rw = audit.NewJSONLWriter(w)
					}
					n := 0
					err := s.Export(context.Background(), audit.Filter{}, func(r audit.Record) error {
						n++
						return rw.Write(r)
					})
					if err == nil {
						err = rw.Flush()
					}
					if err != nil {
						t.Fatal(err)
					}
					if n != records {
						t.Errorf("exported %d records, want %d", n, records)
					}
					if w.bytes < minBytes {
						t.Fatalf("only %d bytes exported: the test proves nothing", w.bytes)
					}
					// Export holds one record at a time; 24 MB leaves room
					// for the driver while being below what a buffered
					// export would hold.
					if w.maxGrowth > 24<<20 {
						t.Errorf("heap grew by %d MB while streaming %d MB", w.maxGrowth>>20, w.bytes>>20)
					}
					t.Logf("%d records, %d MB written, max heap growth %.1f MB", n, w.bytes>>20, float64(w.maxGrowth)/(1<<20))
				})
			}
		})
	}
}
