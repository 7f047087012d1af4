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
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
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

// A runner that finds and finishes a job, then is stopped, logs no error
// (nor warning).
func TestRunnerLogsNothingWhenAllIsWell(t *testing.T) {
	var logs syncBuffer
	warn := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f := newFixture(t, db.SQLite, bulk.Options{Logger: warn}, nil)
	ids := f.putRooms("quiet", 3)
	f.start()
	j, err := f.svc.Create(context.Background(), operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"new"}}))
	if err != nil {
		t.Fatal(err)
	}
	f.wait(t, j.ID, "the end", ended)
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
