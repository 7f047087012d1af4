package rooms

import (
	"context"
	"database/sql"

	"github.com/roomdesk/roomdesk/internal/audit"
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

// A TxObserver is an Observer that can record the state an accepted
// update gave a room inside the transaction that records the update's
// result: the result and the new state then cost one disk sync, not two.
// RoomSetTx's error undoes only its own writes (the result is recorded
// all the same); it is logged, as RoomSeen logs its own.
type TxObserver interface {
	Observer
	RoomSetTx(ctx context.Context, tx *sql.Tx, app string, room tencent.RoomInfo) error
}

// AppendWither is an audit store that appends an entry in one
// transaction with the caller's own writes (*sqlstore.Store): with runs
// first; its failure undoes its writes only and comes back as withErr.
type AppendWither interface {
	AppendWith(ctx context.Context, e *audit.Entry, with func(context.Context, *sql.Tx) error) (withErr, err error)
}

func (s *Service) observe(ctx context.Context, room tencent.RoomInfo, how Seen) {
	for _, o := range s.opts.Observers {
		o.RoomSeen(ctx, s.opts.App, room, how)
	}
}

// appendResult appends an update's result. After OK, when the log can,
// the TxObservers record the room's new state in the same transaction and
// the other observers are told after it (setTold); otherwise every
// observer is told by the caller, as for any sighting.
func (s *Service) appendResult(ctx context.Context, e *audit.Entry, room *tencent.RoomInfo) (setTold bool, err error) {
	aw, ok := s.log.(AppendWither)
	if room == nil || !ok {
		return false, s.log.Append(ctx, e)
	}
	var txos []TxObserver
	for _, o := range s.opts.Observers {
		if to, ok := o.(TxObserver); ok {
			txos = append(txos, to)
		}
	}
	if len(txos) == 0 {
		return false, s.log.Append(ctx, e)
	}
	withErr, err := aw.AppendWith(ctx, e, func(ctx context.Context, tx *sql.Tx) error {
		for _, o := range txos {
			if err := o.RoomSetTx(ctx, tx, s.opts.App, *room); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if withErr != nil {
		// The baseline stays where it was: the next read explains the
		// difference by this update's intent, so nothing is reported.
		s.opts.Logger.Warn("rooms: recording an updated room's state failed", "app", s.opts.App, "room_id", room.RoomId, "err", withErr)
	}
	for _, o := range s.opts.Observers {
		if _, tx := o.(TxObserver); !tx {
			o.RoomSeen(ctx, s.opts.App, *room, SeenUpdate)
		}
	}
	return true, nil
}
