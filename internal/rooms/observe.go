package rooms

import (
	"context"

	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Seen says how an Observer learnt a room's state.
type Seen string

const (
	SeenRead   Seen = "read"   // get_room_info: a page load, the re-read before a save, bulk
	SeenList   Seen = "list"   // a room on a get_room_list page
	SeenUpdate Seen = "update" // the state roomdesk itself just gave the room (Tencent answered OK)
)

// Observer is told about every room state this service learns. The room
// catalogue and the changed-outside-roomdesk check are observers, so
// neither needs its own Tencent calls nor a fork of the edit path.
// RoomSeen runs on the caller's goroutine: it must be quick, and it
// cannot fail the read (an observer logs its own errors).
type Observer interface {
	RoomSeen(ctx context.Context, app string, room tencent.RoomInfo, how Seen)
}

func (s *Service) observe(ctx context.Context, room tencent.RoomInfo, how Seen) {
	for _, o := range s.opts.Observers {
		o.RoomSeen(ctx, s.opts.App, room, how)
	}
}
