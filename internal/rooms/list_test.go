package rooms_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

func TestListPagesAndCaches(t *testing.T) {
	f := newFixture(t)
	for i := range 25 {
		r := baseRoom()
		r.RoomID, r.ViewCount = fmt.Sprintf("room_%02d", i), int64(1000-i)
		f.emu.PutRoom(r)
	}
	ctx := context.Background()
	first, err := f.svc.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Rooms) != rooms.PageSize || first.Next == "" {
		t.Fatalf("first page: %d rooms, next %q", len(first.Rooms), first.Next)
	}
	if _, err := f.svc.List(ctx, ""); err != nil || f.emu.Calls(tencent.CmdGetRoomList) != 1 {
		t.Fatalf("second read of the same page was not cached (%d calls)", f.emu.Calls(tencent.CmdGetRoomList))
	}
	second, err := f.svc.List(ctx, first.Next)
	if err != nil || len(second.Rooms) != 6 || second.Next != "" {
		t.Fatalf("second page: %+v %v", second, err)
	}
	f.now = f.now.Add(3 * time.Second)
	if _, err := f.svc.List(ctx, ""); err != nil || f.emu.Calls(tencent.CmdGetRoomList) != 3 {
		t.Fatalf("expired page was not re-read (%d calls)", f.emu.Calls(tencent.CmdGetRoomList))
	}
}

func TestListCacheDroppedAfterAnEdit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.List(ctx, ""); err != nil {
		t.Fatal(err)
	}
	orig := f.rendered(t)
	if _, err := f.svc.Update(ctx, actor, roomID, edit(orig, "RoomName", "New"), orig); err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.List(ctx, "")
	if err != nil || list.Rooms[0].RoomName != "New" {
		t.Fatalf("list after edit: %+v %v", list, err)
	}
}

func TestGet(t *testing.T) {
	f := newFixture(t)
	r, err := f.svc.Get(context.Background(), roomID)
	if err != nil || r.RoomName != "Friday Karaoke" || r.OwnerAccount != "anchor_lily" {
		t.Fatalf("%+v %v", r, err)
	}
	_, err = f.svc.Get(context.Background(), "no_such_room")
	var ae *tencent.APIError
	if !errors.Is(err, rooms.ErrRoomNotFound) || !errors.As(err, &ae) || ae.RequestID == "" {
		t.Fatalf("err = %v", err)
	}
	f.emu.DropNext(tencent.CmdGetRoomInfo, 5)
	if _, err := f.svc.Get(context.Background(), roomID); !errors.Is(err, tencent.ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
}

// TestListCacheKeepsFreshPages: storing a page prunes only expired ones; a
// page read a second ago is still served from the cache.
func TestListCacheKeepsFreshPages(t *testing.T) {
	f := newFixture(t)
	for i := range 25 {
		r := baseRoom()
		r.RoomID = fmt.Sprintf("room_%02d", i)
		f.emu.PutRoom(r)
	}
	ctx := context.Background()
	first, err := f.svc.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Second)
	if _, err := f.svc.List(ctx, first.Next); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.List(ctx, ""); err != nil || f.emu.Calls(tencent.CmdGetRoomList) != 2 {
		t.Fatalf("a page a second old was read again (%d calls)", f.emu.Calls(tencent.CmdGetRoomList))
	}
}
