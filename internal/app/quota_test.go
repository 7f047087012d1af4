package app

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Two instances on one PostgreSQL each pace at half the rate; when one
// stops, the other takes the whole quota back at its next beat.
func TestInstancesShareTheQuota(t *testing.T) {
	url := dbtest.NewPostgresDatabase(t)
	start := func() *App {
		cfg, err := config.Load(func(k string) string {
			return map[string]string{"ROOMDESK_DATA_DIR": t.TempDir(), "ROOMDESK_DATABASE_URL": url}[k]
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, err := New(context.Background(), cfg, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	first := start()
	defer first.Close()
	full := first.Tencent.Rate(tencent.CmdUpdateRoomInfo)
	if full < 190 {
		t.Fatalf("one instance paces update_room_info at %v/s", full)
	}

	second := start()
	if got := second.Tencent.Rate(tencent.CmdUpdateRoomInfo); got != full/2 {
		t.Errorf("second instance: %v/s, want %v/s", got, full/2)
	}
	first.beat(context.Background())
	if got := first.Tencent.Rate(tencent.CmdUpdateRoomInfo); got != full/2 {
		t.Errorf("first instance after its next beat: %v/s, want %v/s", got, full/2)
	}

	second.Close()
	first.beat(context.Background())
	if got := first.Tencent.Rate(tencent.CmdUpdateRoomInfo); got != full {
		t.Errorf("first instance alone again: %v/s, want %v/s", got, full)
	}
}

// A rate fixed by ROOMDESK_TENCENT_RATE is never re-divided.
func TestFixedRateIsNotShared(t *testing.T) {
	url := dbtest.NewPostgresDatabase(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"ROOMDESK_DATA_DIR": t.TempDir(), "ROOMDESK_DATABASE_URL": url,
			"ROOMDESK_TENCENT_RATE": "50"}[k]
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := a.Tencent.Rate(tencent.CmdUpdateRoomInfo); got != 50 {
		t.Errorf("fixed rate: %v/s, want 50", got)
	}
	var n int
	a.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM instances`).Scan(&n)
	if n != 0 {
		t.Errorf("%d heartbeat rows with a fixed rate", n)
	}
}
