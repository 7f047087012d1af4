package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// snapshotVersion guards the file format; a file from a newer roomdesk is
// refused rather than half-read.
const snapshotVersion = 1

type snapshot struct {
	Version int         `json:"Version"`
	Rooms   []savedRoom `json:"Rooms"`
}

// savedRoom is a Room with its Wire, which the API never writes as a field
// but a snapshot must keep (the outer Wire shadows Room's json:"-" one).
type savedRoom struct {
	Room
	Wire Wire `json:"Wire,omitzero"`
}

// SaveRooms encodes every room, shapes included, for LoadRooms. Demo mode
// keeps it in the data dir so renamed rooms stay renamed across restarts.
func (e *Emulator) SaveRooms() ([]byte, error) {
	e.mu.Lock()
	s := snapshot{Version: snapshotVersion, Rooms: make([]savedRoom, 0, len(e.rooms))}
	for _, r := range e.rooms {
		r = r.clone()
		s.Rooms = append(s.Rooms, savedRoom{Room: r, Wire: r.Wire})
	}
	e.mu.Unlock()
	slices.SortFunc(s.Rooms, func(a, b savedRoom) int { return strings.Compare(a.RoomID, b.RoomID) })
	return json.Marshal(s)
}

// LoadRooms replaces every room with those of a SaveRooms snapshot. A
// snapshot that does not read leaves the rooms as they were.
func (e *Emulator) LoadRooms(data []byte) error {
	var s snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("emulator: rooms snapshot: %w", err)
	}
	if s.Version != snapshotVersion {
		return fmt.Errorf("emulator: rooms snapshot version %d, want %d", s.Version, snapshotVersion)
	}
	rooms := make(map[string]Room, len(s.Rooms))
	for _, sr := range s.Rooms {
		r := sr.Room
		r.Wire = sr.Wire
		if r.RoomID == "" {
			return errors.New("emulator: rooms snapshot: a room without RoomId")
		}
		if r.RoomType == "" {
			r.RoomType = RoomTypeLive
		}
		rooms[r.RoomID] = r.clone()
	}
	e.mu.Lock()
	e.rooms = rooms
	e.mu.Unlock()
	return nil
}

// changed tells Config.OnChange that the rooms changed. It runs after the
// change is visible and outside the lock, so the hook may call SaveRooms.
func (e *Emulator) changed() {
	if e.cfg.OnChange != nil {
		e.cfg.OnChange()
	}
}
