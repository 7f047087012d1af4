package app

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/roomdesk/roomdesk/internal/atomicfile"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// DemoRoomsFile is where demo mode keeps the emulator's rooms, in the data
// dir: without it a restart would bring renamed rooms back under their old
// names while the audit log still shows the renames.
const DemoRoomsFile = "demo-rooms.json"

// demoSaveGap spaces snapshot writes: a bulk edit changes hundreds of rooms
// a second, and one write per gap carries them all. Close writes the last.
const demoSaveGap = 200 * time.Millisecond

// demoRooms writes the emulator's rooms to path after each change,
// coalescing changes that arrive while a write is under way.
type demoRooms struct {
	path   string
	emu    *emulator.Emulator
	logger *slog.Logger
	dirty  chan struct{} // one pending "save again", never more
	stop   chan struct{}
	done   chan struct{}
}

func newDemoRooms(dataDir, file string, logger *slog.Logger) *demoRooms {
	return &demoRooms{
		path: filepath.Join(dataDir, file), logger: logger,
		dirty: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// changed is emulator.Config.OnChange: it never blocks the API call.
func (d *demoRooms) changed() {
	select {
	case d.dirty <- struct{}{}:
	default:
	}
}

// load replaces the seed rooms with the saved ones, if a file exists. An
// unreadable file stops the start-up rather than being overwritten.
func (d *demoRooms) load() error {
	data, err := os.ReadFile(d.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = d.emu.LoadRooms(data)
	}
	if err != nil {
		return fmt.Errorf("demo rooms %s: %w (move the file away to start again from the demo rooms)", d.path, err)
	}
	return nil
}

// run saves after each change until Close, then once more if needed.
func (d *demoRooms) run() {
	defer close(d.done)
	for {
		select {
		case <-d.dirty:
			d.save()
			select {
			case <-time.After(demoSaveGap):
			case <-d.stop:
			}
		case <-d.stop:
			select {
			case <-d.dirty:
				d.save()
			default:
			}
			return
		}
	}
}

func (d *demoRooms) close() {
	close(d.stop)
	<-d.done
}

// save writes a snapshot atomically: a temp file in the same directory,
// synced, then renamed over the old one, so a crash leaves the old or the
// new snapshot, never half of one.
func (d *demoRooms) save() {
	if err := d.write(); err != nil {
		d.logger.Warn("demo rooms not saved", "file", d.path, "err", err)
	}
}

func (d *demoRooms) write() error {
	data, err := d.emu.SaveRooms()
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(d.path, data)
}
