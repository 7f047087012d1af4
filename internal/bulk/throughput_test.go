package bulk_test

import (
	"context"
	"testing"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// TestThroughput2000 runs 2,000 rooms against the emulator's real quota
// (200/s for get_room_info and update_room_info) with the client's default
// pacing: no attempt may be refused for the quota (60007), and every room is updated
// exactly once. The rate is logged, not asserted (timing belongs in
// benchmarks: internal/bench calls bulk.MeasureThroughput for
// docs/BENCHMARKS.md).
func TestThroughput2000(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 11 s")
	}
	f := newFixture(t, db.SQLite, bulk.Options{}, nil)
	ids := f.putRooms("tp", 2000)
	f.start()
	res, err := bulk.MeasureThroughput(context.Background(), f.svc, operator, ids, rooms.Form{rooms.FieldRoomName: {"bulk"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2000 rooms in %v: %.1f rooms/s (%.1f%% of 200/s); counts %+v", res.Elapsed, res.PerSec, res.PerSec/2, res.Counts)
	if n := f.c100k.Load(); n != 0 {
		t.Errorf("%d attempts refused for the quota (60007)", n)
	}
	if res.Counts.Done != 2000 || len(res.ErrCodes) != 0 {
		t.Errorf("counts %+v, failures by code %v", res.Counts, res.ErrCodes)
	}
	for _, id := range ids {
		if n := f.emu.UpdateCount(id); n != 1 {
			t.Fatalf("room %s updated %d times", id, n)
		}
	}
}
