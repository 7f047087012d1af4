package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
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

// Instances may load different apps files: each app's quota is divided by
// the live instances serving that app, not by every instance. The first
// serves cn and sg, the second sg and us; only sg is shared. An app with a
// fixed rate is the operator's own division and is neither recorded nor
// re-divided.
func TestQuotaIsSharedPerApp(t *testing.T) {
	url := dbtest.NewPostgresDatabase(t)
	dir := t.TempDir()
	key := filepath.Join(dir, "key")
	if err := os.WriteFile(key, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	app := func(id string, sdkAppID int, extra string) string {
		// Port 1 on loopback refuses: nothing here may reach Tencent.
		return fmt.Sprintf(`{"id":%q,"name":%q,"sdkappid":%d,"endpoint":"http://127.0.0.1:1/","secret_key_file":%q%s}`,
			id, id, sdkAppID, key, extra)
	}
	start := func(name string, list ...string) *App {
		p := filepath.Join(dir, name+".json")
		if err := os.WriteFile(p, []byte("["+strings.Join(list, ",")+"]"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(func(k string) string {
			return map[string]string{"ROOMDESK_DATA_DIR": t.TempDir(), "ROOMDESK_DATABASE_URL": url,
				"ROOMDESK_APPS_FILE": p}[k]
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
	rateOf := func(a *App, id string) float64 {
		t.Helper()
		ap, ok := a.Apps.Get(id)
		if !ok {
			t.Fatalf("no app %s", id)
		}
		return ap.Tencent.Rate(tencent.CmdUpdateRoomInfo)
	}
	first := start("first", app("cn", 1400000001, ""), app("sg", 1400000002, ""), app("fixed", 1400000004, `,"rate":50`))
	defer first.Close()
	full := rateOf(first, "cn")
	if full < 190 || rateOf(first, "sg") != full || rateOf(first, "fixed") != 50 {
		t.Fatalf("alone: cn %v/s, sg %v/s, fixed %v/s", full, rateOf(first, "sg"), rateOf(first, "fixed"))
	}

	second := start("second", app("sg", 1400000002, ""), app("us", 1400000003, ""), app("fixed", 1400000004, `,"rate":50`))
	first.beat(context.Background())
	want := []struct {
		a    *App
		name string
		app  string
		rate float64
	}{
		{first, "first", "cn", full},
		{first, "first", "sg", full / 2},
		{first, "first", "fixed", 50},
		{second, "second", "sg", full / 2},
		{second, "second", "us", full},
		{second, "second", "fixed", 50},
	}
	for _, w := range want {
		if got := rateOf(w.a, w.app); got != w.rate {
			t.Errorf("%s instance, app %s: %v/s, want %v/s", w.name, w.app, got, w.rate)
		}
	}
	if want := map[string]int{"cn": 1, "sg": 2, "us": 1}; !maps.Equal(first.instances, want) {
		t.Errorf("first counts %v, want %v", first.instances, want)
	}

	second.Close()
	var rows int
	if err := first.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM instance_apps WHERE app = 'us'`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("a stopped instance's apps stay recorded: %d rows, %v", rows, err)
	}
	first.beat(context.Background())
	if got := rateOf(first, "sg"); got != full {
		t.Errorf("sg alone again: %v/s, want %v/s", got, full)
	}
}
