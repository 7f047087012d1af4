package bulk_test

import (
	"context"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Progress's rate and time left, on a clock the test moves: a job of six
// rooms starts at T, four are done at T+1s and two are held at the gate.
//   - at T, the instant it started: no rate yet (0, not 0/0), no ETA;
//   - at T+1s, nothing done yet: rate 0, no ETA (not "remaining / 0");
//   - at T+2s: 4 done in the last 2 s, 2/s, two rooms left: ETA 1 s;
//   - ended at T+2s: 6 rooms over the 2 s run, 3/s, no ETA.
func TestProgressRateAndETA(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		clock := &fakeNow{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
		f := newFixture(t, d, bulk.Options{Now: clock.Now}, nil)
		ids := f.putRooms("progress", 6)
		ctx := context.Background()
		f.gate.Hold(func(c callgate.Call) bool { return c.Command == tencent.CmdGetRoomInfo })
		j, err := f.svc.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldNotice: {"p"}}))
		if err != nil {
			t.Fatal(err)
		}
		f.start()
		held := f.holdUntil(t, j.ID, "the six re-reads", func(h []*callgate.Held) bool { return len(h) == 6 })
		check := func(when string, rate float64, eta time.Duration) {
			t.Helper()
			p, err := f.svc.Progress(ctx, j.ID)
			if err != nil || p.Rate != rate || p.ETA != eta {
				t.Errorf("%s: rate %v/s, ETA %v (%v), want %v/s, %v", when, p.Rate, p.ETA, err, rate, eta)
			}
		}
		check("the instant it started", 0, 0)
		clock.Add(time.Second)
		check("a second in, nothing done", 0, 0)
		var last []*callgate.Held
		for _, h := range held {
			if h.Call.RoomID == ids[4] || h.Call.RoomID == ids[5] {
				last = append(last, h)
				continue
			}
			h.Forward()
		}
		f.wait(t, j.ID, "four rooms done", func(j bulk.Job) bool { return j.Counts.Done == 4 })
		clock.Add(time.Second)
		check("four done a second ago", 2, time.Second)
		f.gate.Open()
		for _, h := range last {
			h.Forward()
		}
		f.wait(t, j.ID, "the end", ended)
		check("ended", 3, 0)
	})
}
