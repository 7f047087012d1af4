package catalogue_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// pagedLister answers get_room_list from rooms, PageSize at a time.
type pagedLister struct{ rooms []tencent.RoomInfo }

func (p pagedLister) GetRoomList(_ context.Context, next string, n int) (tencent.RoomList, tencent.Meta, error) {
	var at int
	fmt.Sscan(next, &at)
	end := min(at+n, len(p.rooms))
	l := tencent.RoomList{Rooms: p.rooms[at:end]}
	if end < len(p.rooms) {
		l.Next = fmt.Sprint(end)
	}
	return l, tencent.Meta{}, nil
}

// Sweeps, catalogue writes and audit appends at once, on one real SQLite
// file, never see SQLITE_BUSY: within the process writes queue for the one
// writing connection instead of polling SQLite's lock. The busy timeout is
// cut to 1 ms, so a writer that did wait on SQLite's lock would fail here
// at once rather than after 10 s of starvation under load.
func TestConcurrentWritersNeverSeeSQLiteBusy(t *testing.T) {
	d, err := db.Open(context.Background(), db.Options{DataDir: t.TempDir(), SQLiteBusyTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	s := catalogue.New(d, catalogue.Options{})
	log := sqlstore.New(d)
	var listed []tencent.RoomInfo
	for i := range 400 {
		listed = append(listed, room(fmt.Sprintf("live_%04d", i), fmt.Sprintf("Room %d 房间", i), int64(i)))
	}
	const appenders, appends, putters = 6, 40, 3
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				errs <- err
			}
		}()
	}
	for a := range 2 {
		app := fmt.Sprintf("app%d", a)
		run(func() error {
			return s.NewSyncer(catalogue.SyncOptions{App: app, Client: pagedLister{listed}}).Sweep(ctx)
		})
	}
	for w := range appenders {
		run(func() error {
			for i := range appends {
				e := &audit.Entry{Kind: audit.KindEvent, Action: "bench.write", Actor: fmt.Sprintf("w%d", w), Detail: fmt.Sprint(i)}
				if err := log.Append(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for p := range putters {
		run(func() error {
			for i := range 20 {
				r := room(fmt.Sprintf("put_%d_%d", p, i), "Put 拉面", int64(i))
				if err := s.Put(ctx, "app0", []tencent.RoomInfo{r}, rooms.SeenRead); err != nil {
					return err
				}
				s.RoomSeen(ctx, "app1", r, rooms.SeenRead)
			}
			return nil
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for a := range 2 {
		st, err := s.Status(ctx, fmt.Sprintf("app%d", a))
		if err != nil || st.LastSeen != len(listed) {
			t.Errorf("app%d: sweep saw %d of %d rooms (%v)", a, st.LastSeen, len(listed), err)
		}
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&n); err != nil || n != appenders*appends {
		t.Errorf("audit log holds %d entries, want %d (%v)", n, appenders*appends, err)
	}
	p, err := s.Search(ctx, catalogue.Query{App: "app1", Text: "put", Limit: 100})
	if err != nil || len(p.Rooms) != putters*20 {
		t.Errorf("app1: %d rooms recorded by RoomSeen, want %d (%v)", len(p.Rooms), putters*20, err)
	}
}
