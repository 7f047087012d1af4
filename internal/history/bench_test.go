package history_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/history"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// What the changed-outside check adds to every room read and update.
func BenchmarkRoomSeen(b *testing.B) {
	for _, d := range dbtest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			conn := dbtest.Open(b, d)
			log := sqlstore.New(conn)
			h := history.New(conn, history.Options{Log: log, Tx: log})
			ctx := context.Background()
			room := tencent.RoomInfo{RoomId: "bench", RoomName: "A", Category: []int{1}, TakeSeatMode: "FreeToTake"}
			h.RoomSeen(ctx, "app", room, rooms.SeenRead)
			b.Run("read unchanged", func(b *testing.B) {
				for b.Loop() {
					h.RoomSeen(ctx, "app", room, rooms.SeenRead)
				}
			})
			b.Run("accepted update", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					room.RoomName = strconv.Itoa(i)
					h.RoomSeen(ctx, "app", room, rooms.SeenUpdate)
				}
			})
			b.Run("changed outside", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					room.Notice = strconv.Itoa(i)
					h.RoomSeen(ctx, "app", room, rooms.SeenRead)
				}
			})
		})
	}
}
