package catalogue_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
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

// Sightings that wait together are written once per room when a later
// detailed one replaces them (its upsert sets every column), and a list
// sighting never replaces a read: what only a read by id brings stays.
func TestWaitingSightingsAreWrittenOncePerRoom(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE upserts (room_id TEXT)`,
		`CREATE TRIGGER count_ins AFTER INSERT ON catalogue_rooms BEGIN INSERT INTO upserts VALUES (new.room_id); END`,
		`CREATE TRIGGER count_upd AFTER UPDATE ON catalogue_rooms BEGIN INSERT INTO upserts VALUES (new.room_id); END`,
	} {
		if _, err := d.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	s := catalogue.New(d, catalogue.Options{WriteDelay: time.Hour})
	muted := func(r *tencent.RoomInfo) { r.IsMessageDisabled = true }
	// An edit: the re-read, then the new state; a second edit, the same.
	s.RoomSeen(ctx, app, room("live_1", "Before", 1, muted), rooms.SeenRead)
	s.RoomSeen(ctx, app, room("live_1", "After", 1, muted), rooms.SeenUpdate)
	s.RoomSeen(ctx, app, room("live_1", "Before", 1, muted), rooms.SeenRead)
	s.RoomSeen(ctx, app, room("live_1", "Final", 1, muted), rooms.SeenUpdate)
	// Read muted, then listed (a list item has no mute flag): both are
	// written, and the mute survives.
	s.RoomSeen(ctx, app, room("live_2", "Read", 2, muted), rooms.SeenRead)
	s.RoomSeen(ctx, app, room("live_2", "Listed", 2), rooms.SeenList)
	// Listed, then read: the read replaces it.
	s.RoomSeen(ctx, app, room("live_3", "Listed", 3), rooms.SeenList)
	s.RoomSeen(ctx, app, room("live_3", "Read", 3), rooms.SeenRead)
	s.Flush()

	writes := map[string]int{}
	rows, err := d.QueryContext(ctx, `SELECT room_id, COUNT(*) FROM upserts GROUP BY room_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		writes[id] = n
	}
	if want := map[string]int{"live_1": 1, "live_2": 2, "live_3": 1}; !maps.Equal(writes, want) {
		t.Errorf("rows written per room = %v, want %v", writes, want)
	}
	for id, want := range map[string]struct {
		name  string
		muted bool
	}{"live_1": {"Final", true}, "live_2": {"Listed", true}, "live_3": {"Read", false}} {
		r, ok, err := s.Get(ctx, app, id)
		if err != nil || !ok || r.RoomName != want.name || bool(r.IsMessageDisabled) != want.muted || !r.Detailed {
			t.Errorf("%s = %q muted %v detailed %v (%v, %v); want %q muted %v, detailed",
				id, r.RoomName, r.IsMessageDisabled, r.Detailed, ok, err, want.name, want.muted)
		}
	}
}
