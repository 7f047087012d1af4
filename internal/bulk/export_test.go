package bulk_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// The results CSV's finished_at is when an item got its outcome: items
// still pending (a claimed item released by a stop has been touched, yet
// has none) or sending have none, whatever their row's last update.
func TestResultsCSVFinishedAtOnlyForOutcomes(t *testing.T) {
	f := newFixture(t, db.SQLite, bulk.Options{}, nil)
	ids := f.putRooms("fin", 4)
	ctx := context.Background()
	j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"new"}}))
	if err != nil {
		t.Fatal(err)
	}
	touched := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	for seq, status := range map[int]string{1: bulk.ItemDone, 2: bulk.ItemSending, 3: bulk.ItemPending, 4: bulk.ItemFailed} {
		if _, err := f.db.ExecContext(ctx, `UPDATE bulk_items SET status = $3, updated_at_us = $4 WHERE job_id = $1 AND seq = $2`,
			j.ID, seq, status, touched.UnixMicro()); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.svc.WriteResultsCSV(ctx, j.ID, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 5 {
		t.Fatalf("results CSV: %v, %d lines", err, len(recs))
	}
	want := map[string]string{"1": touched.Format(time.RFC3339Nano), "2": "", "3": "", "4": touched.Format(time.RFC3339Nano)}
	for _, rec := range recs[1:] {
		if got := rec[len(rec)-1]; got != want[rec[0]] {
			t.Errorf("item %s (%s): finished_at %q, want %q", rec[0], rec[3], got, want[rec[0]])
		}
	}
}
