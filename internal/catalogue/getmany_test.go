package catalogue_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// GetMany finds the catalogued rooms among many ids (more than one chunk
// of parameters), in the given app only, and leaves the others out.
func TestGetMany(t *testing.T) {
	each(t, func(t *testing.T, d db.Dialect) {
		s, _ := newStore(t, d)
		ctx := context.Background()
		for _, r := range fixtureRooms() {
			s.RoomSeen(ctx, app, r, rooms.SeenRead)
		}
		s.RoomSeen(ctx, "other", room("live_x", "Elsewhere", 1), rooms.SeenRead)
		ask := []string{"live_2", "live_x", "nope"}
		for i := range 600 {
			ask = append(ask, fmt.Sprintf("absent_%d", i))
		}
		ask = append(ask, "live_3") // in the second chunk
		got, err := s.GetMany(ctx, app, ask)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got["live_2"].RoomName != "Friday Karaoke" || !bool(got["live_3"].IsMessageDisabled) || !got["live_3"].Detailed {
			t.Errorf("GetMany: %+v", got)
		}
		if none, err := s.GetMany(ctx, app, nil); err != nil || len(none) != 0 {
			t.Errorf("no ids: %v %v", none, err)
		}
	})
}
