package bulk

import (
	"context"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// Throughput is one measured bulk run.
type Throughput struct {
	Rooms    int
	Elapsed  time.Duration // from the job's start to its end, as the job records them
	PerSec   float64       // rooms finished per second
	Counts   Counts
	ErrCodes map[int]int // failed items by Tencent ErrorCode (0: no code)
}

// MeasureThroughput runs a bulk job over roomIDs with the change fields
// (e.g. {"RoomName": {"x"}}) on a Service whose runner is running, waits
// for it to end, and reports the rate. For internal/bench and tests: the
// rooms must exist and differ from the change, or they are skipped.
func MeasureThroughput(ctx context.Context, s *Service, actor audit.Actor, roomIDs []string, fields rooms.Form) (Throughput, error) {
	plan := Plan{Source: fmt.Sprintf("%d measured", len(roomIDs)), Common: fields}
	for i, id := range roomIDs {
		plan.Rows = append(plan.Rows, Row{Line: i + 1, RoomID: id, Fields: clone(fields)})
	}
	j, err := s.Create(ctx, actor, plan)
	if err != nil {
		return Throughput{}, err
	}
	for !j.Ended() {
		select {
		case <-ctx.Done():
			return Throughput{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if j, err = s.Job(ctx, j.ID); err != nil {
			return Throughput{}, err
		}
	}
	t := Throughput{Rooms: len(roomIDs), Elapsed: j.FinishedAt.Sub(j.StartedAt), Counts: j.Counts, ErrCodes: map[int]int{}}
	if t.Elapsed > 0 {
		t.PerSec = float64(j.Counts.Finished()) / t.Elapsed.Seconds()
	}
	err = s.ExportItems(ctx, j.ID, func(it Item) error {
		if it.Status == ItemFailed {
			t.ErrCodes[it.ErrorCode]++
		}
		return nil
	})
	return t, err
}
