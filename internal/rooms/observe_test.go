package rooms_test

import (
	"context"
	"slices"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

func TestObserversSeeReadsAndAcceptedUpdates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.Get(ctx, roomID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.List(ctx, ""); err != nil {
		t.Fatal(err)
	}
	orig := f.rendered(t)
	f.seen = nil
	res, err := f.svc.Update(ctx, audit.Actor{Name: "olga"}, roomID, edit(orig, "RoomName", "Ramen Night"), orig)
	if err != nil || res.Outcome != audit.OutcomeOK {
		t.Fatalf("update: %v %+v", err, res)
	}
	want := []string{"read:" + roomID + ":Friday Karaoke", "update:" + roomID + ":Ramen Night"}
	if !slices.Equal(f.seen, want) {
		t.Errorf("seen during an update = %q, want %q", f.seen, want)
	}

	// A refused update tells nobody the room changed.
	f.seen = nil
	f.emu.FailNext(tencent.CmdUpdateRoomInfo, 2, tencent.CodeNotPermitted)
	orig = f.rendered(t)
	f.seen = nil
	if _, err := f.svc.Update(ctx, audit.Actor{Name: "olga"}, roomID, edit(orig, "Notice", "x"), orig); err != nil {
		t.Fatal(err)
	}
	if want := []string{"read:" + roomID + ":Ramen Night"}; !slices.Equal(f.seen, want) {
		t.Errorf("seen during a refused update = %q, want %q", f.seen, want)
	}
}

func TestObserversSeeListPages(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.List(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if want := []string{"list:" + roomID + ":Friday Karaoke"}; !slices.Equal(f.seen, want) {
		t.Errorf("seen = %q, want %q", f.seen, want)
	}
}
