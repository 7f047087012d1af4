package bulk_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// TestTwoInstancesShareOneJob runs two roomdesk instances (two pools, two
// clients, two runners) on one PostgreSQL while one job is in flight. The
// calls are slow enough that items are still "sending" when the second
// runner looks: without the lease it would take them for an earlier
// process's leftovers and send them again. Every room must be updated
// exactly once, and the audit chain both instances wrote must verify.
func TestTwoInstancesShareOneJob(t *testing.T) {
	url := dbtest.NewPostgresDatabase(t)
	ctx := context.Background()
	emu := emulator.New(emulator.Config{SDKAppID: testAppID, SecretKey: testSecret})
	emu.SetLatency(30 * time.Millisecond)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	instance := func() (*bulk.Service, *db.DB) {
		d, err := db.Open(ctx, db.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		// Each instance takes half of the app's quota, as the README says.
		tc, err := tencent.New(tencent.Config{SDKAppID: testAppID, SecretKey: testSecret, Endpoint: srv.URL,
			Rates: map[string]float64{tencent.CmdGetRoomInfo: 98, tencent.CmdUpdateRoomInfo: 98}})
		if err != nil {
			t.Fatal(err)
		}
		svc := bulk.New(d, rooms.NewService(tc, sqlstore.New(d), rooms.Options{}),
			bulk.Options{Poll: 20 * time.Millisecond, RetryDelay: 10 * time.Millisecond, Workers: 16})
		return svc, d
	}
	a, da := instance()
	b, _ := instance()

	ids := make([]string, 150)
	for i := range ids {
		ids[i] = "lease-" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		emu.PutRoom(emulator.Room{RoomID: ids[i], RoomName: "old", MaxMemberCount: 100, TakeSeatMode: "FreeToTake"})
	}
	job, err := a.Create(ctx, operator, planFor(ids, rooms.Form{rooms.FieldRoomName: {"new"}}))
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{}, 2)
	go func() { a.Run(runCtx); done <- struct{}{} }()
	time.Sleep(100 * time.Millisecond) // a is mid-batch when b arrives
	go func() { b.Run(runCtx); done <- struct{}{} }()
	defer func() { stop(); <-done; <-done }()

	deadline := time.Now().Add(60 * time.Second)
	for {
		j, err := a.Job(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if j.Ended() {
			if j.Counts.Done != len(ids) {
				t.Fatalf("job ended with %+v", j.Counts)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job not done: %+v", j.Counts)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, id := range ids {
		if n := emu.UpdateCount(id); n != 1 {
			t.Errorf("room %s updated %d times", id, n)
		}
	}
	if rep, err := sqlstore.New(da).Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("audit chain: %+v %v", rep, err)
	}
}
