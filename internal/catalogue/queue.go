package catalogue

import (
	"context"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// The write queue: rooms seen by reads and edits wait here for one
// background writer, so a read never waits for the catalogue's own write.

// seen is one room state waiting to be written.
type seen struct {
	app  string
	room tencent.RoomInfo
	how  rooms.Seen
	at   time.Time
}

// maxPending bounds the states waiting for the writer (a database that is
// down must not grow memory without end); beyond it the oldest are
// dropped, as the next read or sweep brings them back.
const maxPending = 10_000

// maxBatch bounds one write transaction, so the catalogue never holds
// SQLite's single write lock long enough to keep an audit append waiting.
const maxBatch = 50

// RoomSeen records one room state (rooms.Observer). It only queues the
// state: a writer goroutine stores what is queued, many at a time, so the
// read or edit that saw the room does not wait for another database
// write. Readers of the catalogue (Get, Search, Status) first wait for
// what is queued, so a room just read is found. A failure is logged: the
// catalogue is a copy, and a read must not fail because of it.
func (s *Store) RoomSeen(_ context.Context, app string, r tencent.RoomInfo, how rooms.Seen) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) >= maxPending {
		s.opts.Logger.Warn("catalogue: too many rooms waiting to be recorded; dropping the oldest", "app", app)
		s.pending = s.pending[1:]
	}
	s.pending = append(s.pending, seen{app: app, room: r, how: how, at: s.opts.Now()})
	if !s.draining {
		s.draining = true
		go s.drain()
	}
}

// drain waits WriteDelay (or a Flush), then writes what is queued until
// nothing is.
func (s *Store) drain() {
	t := time.NewTimer(s.opts.WriteDelay)
	select {
	case <-t.C:
	case <-s.kick:
		t.Stop()
	}
	for {
		s.mu.Lock()
		s.pending = latest(s.pending)
		batch := s.pending[:min(len(s.pending), maxBatch)]
		s.pending = s.pending[len(batch):]
		if len(batch) == 0 {
			s.draining = false
			s.idle.Broadcast()
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		if err := s.write(batch); err != nil {
			s.opts.Logger.Warn("catalogue: rooms not recorded", "rooms", len(batch), "err", err)
		}
	}
}

// latest drops each state a later detailed one of the same room replaces:
// that one's upsert overwrites every column a sighting sets, so writing
// the earlier one too changes nothing but the work (an edit sees its room
// twice within the write delay; back-to-back reads many times). A later
// list sighting replaces nothing: it keeps the fields only a read by id
// brings from what is stored.
func latest(pending []seen) []seen {
	type key struct{ app, room string }
	replaced := map[key]bool{}
	keep := make([]bool, len(pending))
	n := 0
	for i := len(pending) - 1; i >= 0; i-- {
		k := key{pending[i].app, pending[i].room.RoomId}
		if keep[i] = !replaced[k]; keep[i] {
			n++
		}
		if pending[i].how != rooms.SeenList {
			replaced[k] = true
		}
	}
	if n == len(pending) {
		return pending
	}
	out := make([]seen, 0, n)
	for i, p := range pending {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

func (s *Store) write(batch []seen) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("catalogue: put: %w", err)
	}
	defer tx.Rollback()
	for _, b := range batch {
		if err := s.put(ctx, tx, b.app, []tencent.RoomInfo{b.room}, b.how, b.at); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("catalogue: put: %w", err)
	}
	return nil
}

// Flush waits until every room state RoomSeen queued is written (or
// failed to be). Get, Search and Status call it; the app calls it before
// closing the database.
func (s *Store) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.draining {
		select {
		case s.kick <- struct{}{}:
		default: // a kick is already waiting for the writer
		}
		s.idle.Wait()
	}
}
