package bulk_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// TestTwoInstancesShareOneJob runs two roomdesk instances (two pools, two
// clients, two runners) on one PostgreSQL. Instance a works job 1 and the
// gate holds 16 of its updates in flight, so job 1 has items "sending"
// when instance b looks. b must pass job 1 over (a holds its lease) and
// take job 2: b's first call to Tencent is for a room of job 2. Without
// the lease b would take job 1's in-flight items for an earlier process's
// leftovers, and its first call would be for a room of job 1. Then both
// run freely: every room is updated exactly once, and the audit chain both
// instances wrote verifies.
func TestTwoInstancesShareOneJob(t *testing.T) {
	url := dbtest.NewPostgresDatabase(t)
	ctx := context.Background()
	emu := emulator.New(emulator.Config{SDKAppID: testAppID, SecretKey: testSecret})

	instance := func() (*bulk.Service, *db.DB, *callgate.Gate) {
		d, err := db.Open(ctx, db.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		gate := callgate.New(emu) // one door per instance, one Tencent behind both
		srv := httptest.NewServer(gate)
		t.Cleanup(srv.Close)
		t.Cleanup(gate.Close)
		// Each instance takes half of the app's quota, as the README says.
		tc, err := tencent.New(tencent.Config{SDKAppID: testAppID, SecretKey: testSecret, Endpoint: srv.URL,
			AttemptTimeout: time.Minute, // held calls must not time out into retries
			Rates:          map[string]float64{tencent.CmdGetRoomInfo: 98, tencent.CmdUpdateRoomInfo: 98}})
		if err != nil {
			t.Fatal(err)
		}
		svc := bulk.New(d, rooms.NewService(tc, sqlstore.New(d), rooms.Options{}),
			bulk.Options{Poll: 20 * time.Millisecond, RetryDelay: 10 * time.Millisecond, Workers: 16})
		return svc, d, gate
	}
	a, da, gateA := instance()
	b, _, gateB := instance()

	newRooms := func(prefix string, n int) []string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = prefix + string(rune('a'+i/26)) + string(rune('a'+i%26))
			emu.PutRoom(emulator.Room{RoomID: ids[i], RoomName: "old", MaxMemberCount: 100, TakeSeatMode: "FreeToTake"})
		}
		return ids
	}
	ids1, ids2 := newRooms("lease-", 150), newRooms("other-", 20)
	job1, err := a.Create(ctx, operator, planFor(ids1, rooms.Form{rooms.FieldRoomName: {"new"}}))
	if err != nil {
		t.Fatal(err)
	}
	job2, err := a.Create(ctx, operator, planFor(ids2, rooms.Form{rooms.FieldRoomName: {"new"}}))
	if err != nil {
		t.Fatal(err)
	}
	updates := 0
	gateA.Hold(func(c callgate.Call) bool {
		if c.Command == tencent.CmdUpdateRoomInfo {
			updates++
			return updates > 20
		}
		return false
	})
	gateB.Hold(func(callgate.Call) bool { return true })

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{}, 2)
	defer func() { stop(); gateA.Close(); gateB.Close(); <-done; <-done }()
	go func() { a.Run(runCtx); done <- struct{}{} }()
	for range 16 {
		receive(t, gateA, "instance a's updates in flight")
	}
	go func() { b.Run(runCtx); done <- struct{}{} }()
	first := receive(t, gateB, "instance b's first call")
	if !strings.HasPrefix(first.RoomID, "other-") {
		t.Fatalf("instance b's first call is %s for room %q of job 1, which instance a holds", first.Command, first.RoomID)
	}
	gateA.Open()
	gateB.Open()

	for _, job := range []int64{job1.ID, job2.ID} {
		j := waitJob(t, a, job, "the end", ended)
		if j.Status != bulk.JobDone || j.Counts.Done != j.Total {
			t.Fatalf("job %d ended %s with %+v", job, j.Status, j.Counts)
		}
	}
	for _, id := range append(ids1, ids2...) {
		if n := emu.UpdateCount(id); n != 1 {
			t.Errorf("room %s updated %d times", id, n)
		}
	}
	if rep, err := sqlstore.New(da).Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("audit chain: %+v %v", rep, err)
	}
}

// receive is the next call held at g, failing the test if none comes for a
// minute (a hang, not a measurement).
func receive(t *testing.T, g *callgate.Gate, what string) *callgate.Held {
	t.Helper()
	hang := time.NewTimer(time.Minute)
	defer hang.Stop()
	select {
	case h := <-g.Held():
		return h
	case <-hang.C:
		t.Fatalf("waiting for %s: nothing held", what)
		return nil
	}
}
