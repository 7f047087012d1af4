package app

// Demo mode: the emulated apps `go run .` starts with, on loopback ports.

import (
	"context"
	"fmt"
	"net"

	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// DemoSDKAppID is the SDKAppID the built-in emulator answers to.
const DemoSDKAppID = 1400000001

// appList is the configured apps, or in demo mode the emulated one: the
// emulator starts on a loopback port and the app points there, so the
// console signs and sends its requests exactly as it would to Tencent.
func (a *App) appList(cfg config.Config) ([]config.App, error) {
	list := cfg.AppList()
	if !cfg.Demo() {
		for _, ca := range list {
			if config.RegionUnconfirmed(ca.Region) && ca.Endpoint == "" {
				a.Logger.Warn("region not confirmed for the live API: only China, Singapore, USA and Jakarta are listed by Tencent's live API pages; if calls fail with 60009, use one of those",
					"app", ca.ID, "region", ca.Region)
			}
		}
		return list, nil
	}
	list = nil
	for _, d := range demoApps {
		ca := config.App{ID: d.id, Name: d.name, SDKAppID: d.sdkAppID, Region: d.region,
			Admin: cfg.AdminIdentifier, Color: d.color, Rate: cfg.TencentRate, SecretKey: emulator.NewSecretKey()}
		emu, url, err := a.startDemoEmulator(cfg, ca, d.file)
		if err != nil {
			return nil, err
		}
		if a.Emulator == nil {
			a.Emulator, a.EmulatorURL = emu, url
		}
		a.Emulators[ca.ID] = emu
		ca.Endpoint = url
		list = append(list, ca)
	}
	return list, nil
}

// AppIDs are the ids of the apps the console serves with cfg, in order:
// demo mode's emulated apps, or the configured ones. Commands that name an
// app (roomdesk user app-role) check it against these without starting
// any client or emulator.
func AppIDs(cfg config.Config) []string {
	var out []string
	if cfg.Demo() {
		for _, d := range demoApps {
			out = append(out, d.id)
		}
		return out
	}
	for _, ca := range cfg.AppList() {
		out = append(out, ca.ID)
	}
	return out
}

// demoApps are the emulated apps of demo mode: two, so the app switcher
// shows from the first `go run .`. The first keeps demo mode's original
// SDKAppID and rooms file, so an existing demo data dir keeps its rooms.
var demoApps = []struct {
	id, name, region, color, file string
	sdkAppID                      int
}{
	{"demo-cn", "Demo CN", "china", "#2563eb", DemoRoomsFile, DemoSDKAppID},
	{"demo-sg", "Demo SG", "singapore", "#0f766e", "demo-rooms-demo-sg.json", DemoSDKAppID + 1},
}

// startDemoEmulator runs one emulated app on a loopback port, its rooms
// kept in file in the data dir, until Close.
func (a *App) startDemoEmulator(cfg config.Config, ca config.App, file string) (*emulator.Emulator, string, error) {
	saved := newDemoRooms(cfg.DataDir, file, a.Logger)
	emu := emulator.New(emulator.Config{
		SDKAppID: ca.SDKAppID, SecretKey: ca.SecretKey, Admin: ca.Admin, Seed: true,
		OnChange: saved.changed,
	})
	saved.emu = emu
	if err := saved.load(); err != nil {
		return nil, "", err
	}
	go saved.run()
	a.stops = append(a.stops, saved.close) // after the emulator: the last changes are written
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("demo emulator: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := emulator.Serve(ctx, ln, emu, nil); err != nil {
			a.Logger.Warn("demo emulator stopped", "app", ca.ID, "err", err)
		}
	}()
	a.stops = append(a.stops, func() { cancel(); <-done })
	return emu, "http://" + ln.Addr().String(), nil
}
