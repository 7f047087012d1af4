package catalogue_test

import (
	"context"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// Rooms seen wait WriteDelay for company before they are written, but a
// reader of the catalogue never waits that out: it has the writer go at
// once. (The deadline only guards against a hang: with an hour's delay, a
// reader that waits it out never returns.)
func TestReadersDoNotWaitForTheWriteDelay(t *testing.T) {
	s := catalogue.New(dbtest.Open(t, db.SQLite), catalogue.Options{WriteDelay: time.Hour})
	ctx := context.Background()
	s.RoomSeen(ctx, app, room("live_1", "Waiting", 1), rooms.SeenRead)
	s.RoomSeen(ctx, app, room("live_2", "Also waiting", 2), rooms.SeenRead)
	type got struct {
		r   catalogue.Room
		ok  bool
		err error
	}
	done := make(chan got, 1)
	go func() {
		r, ok, err := s.Get(ctx, app, "live_2")
		done <- got{r, ok, err}
	}()
	select {
	case g := <-done:
		if g.err != nil || !g.ok || g.r.RoomName != "Also waiting" {
			t.Fatalf("Get = %+v, %v, %v", g.r, g.ok, g.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Get waited for the hour-long write delay instead of having the writer go now")
	}
	// A second round on the same store: the writer that was kicked has
	// finished, and a new one waits again until asked.
	s.RoomSeen(ctx, app, room("live_3", "Later", 3), rooms.SeenRead)
	s.Flush()
	if _, ok, err := s.Get(ctx, app, "live_3"); err != nil || !ok {
		t.Fatalf("second round: %v, %v", ok, err)
	}
}

// Without a reader the rooms are written once the delay is over.
func TestRoomsSeenAreWrittenAfterTheDelay(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	s := catalogue.New(d, catalogue.Options{WriteDelay: time.Millisecond})
	s.RoomSeen(context.Background(), app, room("live_1", "Soon", 1), rooms.SeenRead)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) { // polls a condition; orders nothing
		var n int
		// Straight from the table: Get would flush.
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM catalogue_rooms WHERE room_id = 'live_1'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the room was never written")
		}
	}
}
