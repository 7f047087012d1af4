package bulk_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// syncBuffer is a log sink the runner's goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A runner that finds and finishes two jobs, then is stopped, logs no
// error (nor warning). Two, so the runner has gone past the first job's
// end (a wrongly logged "error" there) before the test stops it.
func TestRunnerLogsNothingWhenAllIsWell(t *testing.T) {
	var logs syncBuffer
	warn := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f := newFixture(t, db.SQLite, bulk.Options{Logger: warn}, nil)
	ids := f.putRooms("quiet", 3)
	var last bulk.Job
	for _, name := range []string{"new", "newer"} {
		j, err := f.svc.Create(context.Background(), operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {name}}))
		if err != nil {
			t.Fatal(err)
		}
		last = j
	}
	f.start()
	f.wait(t, last.ID, "the second job's end", ended)
	f.stop()
	if s := logs.String(); s != "" {
		t.Errorf("a good run logged: %s", s)
	}
}

// A runner that cannot read the jobs table says so in the log (and keeps
// looking) rather than idling in silence.
func TestRunnerLogsWhenItCannotLookForJobs(t *testing.T) {
	var logs syncBuffer
	f := newFixture(t, db.SQLite, bulk.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}, nil)
	f.db.Close()
	f.start()
	defer f.stop()
	deadline := time.Now().Add(time.Minute) // a hang guard, not a timing
	for !strings.Contains(logs.String(), "bulk: looking for jobs") {
		if time.Now().After(deadline) {
			t.Fatalf("no error logged for an unreadable jobs table; log: %q", logs.String())
		}
		time.Sleep(10 * time.Millisecond) // polls a condition; orders nothing
	}
}

// A job that fails (here: its results cannot be stored) is logged, with
// the database's reason, each time it fails, and not run again at once:
// the runner waits for its poll (an hour here) or a wake. Every pass over
// the job re-reads its room first, so the test counts passes at the gate:
// when a second pass comes, the first one's failure must be in the log.
// Once the results can be stored again the job ends, its room updated once.
func TestRunnerLogsAFailingJobAndWaits(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		var logs syncBuffer
		f := newFixture(t, d, bulk.Options{Poll: time.Hour, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, nil)
		ids := f.putRooms("unstored", 1)
		f.gate.Hold(func(c callgate.Call) bool { return c.Command == tencent.CmdGetRoomInfo })
		restore := refuse(t, f.db, "UPDATE", "bulk_items", "NEW.status NOT IN ('pending', 'sending')")
		j, err := f.svc.Create(context.Background(), operator, planFor(ids, rooms.Form{rooms.FieldNotice: {"kept"}}))
		if err != nil {
			t.Fatal(err)
		}
		f.start()
		logged := func() bool {
			s := logs.String()
			return strings.Contains(s, `msg="bulk: job"`) && strings.Contains(s, "bulk_items refused")
		}
		hang := time.NewTimer(time.Minute) // a hang guard, not a timing
		defer hang.Stop()
		poll := time.NewTicker(10 * time.Millisecond)
		defer poll.Stop()
		for passes := 0; !logged(); {
			select {
			case h := <-f.gate.Held():
				if passes++; passes > 1 && !logged() {
					t.Fatalf("pass %d over the job before its failure was logged; log: %q", passes, logs.String())
				}
				h.Forward()
			case <-poll.C:
				if got, _ := f.svc.Job(context.Background(), j.ID); got.Ended() {
					t.Fatalf("job %s %+v with its results unstored; log: %q", got.Status, got.Counts, logs.String())
				}
			case <-hang.C:
				t.Fatalf("the failing job was never logged; log: %q", logs.String())
			}
		}
		restore()
		f.gate.Open()
		f.svc.Wake()
		got := f.wait(t, j.ID, "the end once results are stored", ended)
		if got.Status != bulk.JobDone || got.Counts.Done != 1 || f.emu.UpdateCount(ids[0]) != 1 {
			t.Errorf("job %s %+v, %d updates; want done, the room updated once", got.Status, got.Counts, f.emu.UpdateCount(ids[0]))
		}
	})
}

// An update Tencent refuses fails its room, and the room's row says why in
// words (the code's meaning) with the code itself.
func TestRefusedUpdateSaysWhy(t *testing.T) {
	forDialects(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, d, bulk.Options{}, nil)
		ids := f.putRooms("refused", 1)
		f.emu.FailNext(emulator.CmdUpdateRoomInfo, 1, tencent.CodeInvalidParam)
		j, err := f.svc.Create(context.Background(), operator, planFor(ids, rooms.Form{rooms.FieldNotice: {"no"}}))
		if err != nil {
			t.Fatal(err)
		}
		f.start()
		j = f.wait(t, j.ID, "the end", ended)
		it := f.items(t, j.ID)[ids[0]]
		want := tencent.Describe(tencent.CodeInvalidParam).Meaning
		if j.Counts.Failed != 1 || it.Status != bulk.ItemFailed || it.ErrorCode != tencent.CodeInvalidParam || want == "" || it.Message != want {
			t.Errorf("job %+v, item %s %d %q; want failed, %d, %q", j.Counts, it.Status, it.ErrorCode, it.Message, tencent.CodeInvalidParam, want)
		}
	})
}
