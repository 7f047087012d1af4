package bulk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// A row with Original (a revert's "values the change set") is sent only
// while the room still holds them: a room changed since by someone else
// fails with the field and its value now, and is left as it is; a room
// that still holds them is updated; a row without Original is not checked.
func TestOriginalGuardsEachRoom(t *testing.T) {
	f := newFixture(t, db.SQLite, bulk.Options{}, nil)
	ids := f.putRooms("orig", 3) // every RoomName "old"
	if _, err := f.tc.UpdateRoomInfo(context.Background(), tencentUpdate(ids[1], ptr("someone else's"), nil)); err != nil {
		t.Fatal(err)
	}
	want := rooms.Form{rooms.FieldRoomName: {"old"}}
	change := rooms.Form{rooms.FieldRoomName: {"reverted"}}
	plan := bulk.Plan{Source: "test", Common: change, Rows: []bulk.Row{
		{Line: 1, RoomID: ids[0], Fields: change, Original: want},
		{Line: 2, RoomID: ids[1], Fields: change, Original: want},
		{Line: 3, RoomID: ids[2], Fields: change},
	}}
	f.start()
	j, err := f.svc.Create(context.Background(), operator, plan)
	if err != nil {
		t.Fatal(err)
	}
	j = f.wait(t, j.ID, "the end", ended)
	if want := (bulk.Counts{Done: 2, Failed: 1}); j.Counts != want {
		t.Fatalf("counts %+v, want %+v", j.Counts, want)
	}
	items := f.items(t, j.ID)
	if it := items[ids[1]]; it.Status != bulk.ItemFailed || !strings.Contains(it.Message, "changed since by someone else") ||
		!strings.Contains(it.Message, "someone else's") {
		t.Errorf("changed room's item %+v", it)
	}
	for i, name := range []string{"reverted", "someone else's", "reverted"} {
		if r, _ := f.emu.Room(ids[i]); r.RoomName != name {
			t.Errorf("room %s: name %q, want %q", ids[i], r.RoomName, name)
		}
	}
}

func ptr[T any](v T) *T { return &v }
