package catalogue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Lister is the part of *tencent.Client a sweep uses: the app's own client,
// so the sweep is paced with everything else the app sends and shares its
// quota (get_room_list has its own pace, so edits never wait behind it).
// The sweep's calls are marked tencent.Background: they yield to any
// interactive get_room_list and take at most half of its pace.
type Lister interface {
	GetRoomList(ctx context.Context, next string, count int) (tencent.RoomList, tencent.Meta, error)
}

// SyncOptions configure one app's sweep.
type SyncOptions struct {
	App    string
	Client Lister
	// Observers are told about every room a sweep sees (rooms.SeenList),
	// as they are about the rooms the console reads; the catalogue itself
	// records each page in one transaction and is not among them.
	Observers []rooms.Observer
	// Interval is the time from the end of one sweep to the start of the
	// next. Run does nothing when it is 0 (Sweep still works).
	Interval time.Duration
	// After is the timer Run waits on (tests fire it themselves).
	After  func(time.Duration) <-chan time.Time
	Logger *slog.Logger
}

// PageSize is how many rooms a sweep asks get_room_list for at once (its maximum).
const PageSize = 20

// maxPages stops a sweep whose list never ends (a cursor that loops).
const maxPages = 1_000_000

// Syncer sweeps one app's get_room_list into the catalogue.
type Syncer struct {
	store *Store
	opts  SyncOptions
}

// ErrLeased is returned by Sweep when another instance is sweeping the app.
var ErrLeased = errors.New("catalogue: another instance is sweeping this app")

// NewSyncer returns the sweep of one app into s.
func (s *Store) NewSyncer(opts SyncOptions) *Syncer {
	if opts.After == nil {
		opts.After = time.After
	}
	if opts.Logger == nil {
		opts.Logger = s.opts.Logger
	}
	return &Syncer{store: s, opts: opts}
}

// Run sweeps whenever a sweep is due (none has finished for Interval, or
// one was left unfinished, by this instance or another) until ctx ends.
func (y *Syncer) Run(ctx context.Context) {
	if y.opts.Interval <= 0 {
		return
	}
	retry := min(y.opts.Interval, time.Minute)
	for {
		wait, err := y.due(ctx)
		if err == nil && wait <= 0 {
			err = y.Sweep(ctx)
			wait = y.opts.Interval
			if err != nil {
				wait = retry
			}
		}
		if err != nil && !errors.Is(err, ErrLeased) && ctx.Err() == nil {
			y.opts.Logger.Warn("catalogue: sweep stopped; will try again", "app", y.opts.App, "err", err, "in", retry)
		}
		if err != nil {
			wait = retry
		}
		select {
		case <-ctx.Done():
			return
		case <-y.opts.After(wait):
		}
	}
}

// due is how long until the next sweep should start (≤ 0: now).
func (y *Syncer) due(ctx context.Context) (time.Duration, error) {
	st, err := y.store.Status(ctx, y.opts.App)
	if err != nil || st.Sweeping || !st.Swept() {
		return 0, err
	}
	return st.LastSweep.Add(y.opts.Interval).Sub(y.store.opts.Now()), nil
}

// Sweep reads the app's whole get_room_list into the catalogue, resuming a
// sweep left unfinished, and then marks the public rooms it did not see as
// missing. It holds the app's lease throughout, so of several instances on
// one PostgreSQL database only one sweeps an app at a time (ErrLeased).
func (y *Syncer) Sweep(ctx context.Context) error {
	l, ok, err := y.store.tryLease(ctx, y.opts.App)
	if err != nil {
		return err
	}
	if !ok {
		return ErrLeased
	}
	defer l.release()
	started, next, err := y.begin(ctx)
	if err != nil {
		return err
	}
	for pages := 0; ; pages++ {
		if pages >= maxPages {
			return y.fail(ctx, fmt.Errorf("catalogue: sweep: get_room_list did not end after %d pages", maxPages), true)
		}
		// Background: an operator's own list call never waits behind the
		// sweep, which uses at most half of get_room_list's pace.
		list, _, err := y.opts.Client.GetRoomList(tencent.Background(ctx), next, PageSize)
		if err != nil {
			var ae *tencent.APIError
			// A refused cursor may have expired: the next sweep starts over.
			return y.fail(ctx, fmt.Errorf("catalogue: sweep: %w", err), errors.As(err, &ae) && next != "")
		}
		if err := y.page(ctx, list); err != nil {
			return y.fail(ctx, err, false)
		}
		for _, r := range list.Rooms {
			for _, o := range y.opts.Observers {
				o.RoomSeen(ctx, y.opts.App, r, rooms.SeenList)
			}
		}
		if list.Next == "" {
			break
		}
		next = list.Next
	}
	return y.finish(ctx, started)
}

// begin starts a sweep, or picks up the one under way: its start time and
// Tencent's cursor for the next page.
func (y *Syncer) begin(ctx context.Context) (started int64, next string, err error) {
	st := y.store
	now := st.opts.Now().UnixMicro()
	if _, err := st.db.ExecContext(ctx, `INSERT INTO catalogue_sync (app) VALUES ($1) ON CONFLICT (app) DO NOTHING`, y.opts.App); err != nil {
		return 0, "", fmt.Errorf("catalogue: sweep: %w", err)
	}
	if err := st.db.QueryRowContext(ctx, `SELECT started_at_us, next_cursor FROM catalogue_sync WHERE app = $1`,
		y.opts.App).Scan(&started, &next); err != nil {
		return 0, "", fmt.Errorf("catalogue: sweep: %w", err)
	}
	if started != 0 {
		return started, next, nil
	}
	if _, err := st.db.ExecContext(ctx, `UPDATE catalogue_sync SET started_at_us = $2, next_cursor = '', pages = 0, seen = 0
		WHERE app = $1`, y.opts.App, now); err != nil {
		return 0, "", fmt.Errorf("catalogue: sweep: %w", err)
	}
	return now, "", nil
}

// page records one page and the sweep's progress in one transaction.
func (y *Syncer) page(ctx context.Context, list tencent.RoomList) error {
	st := y.store
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("catalogue: sweep: %w", err)
	}
	defer tx.Rollback()
	if err := st.put(ctx, tx, y.opts.App, list.Rooms, rooms.SeenList, st.opts.Now()); err != nil {
		return err
	}
	// A room Tencent listed in a shape roomdesk cannot read is still there:
	// it keeps its entry (seen now) rather than being marked missing.
	now := st.opts.Now().UnixMicro()
	for _, u := range list.Unreadable {
		if u.RoomId != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE catalogue_rooms SET seen_at_us = $3, presence = 'listed'
				WHERE app = $1 AND room_id = $2`, y.opts.App, u.RoomId, now); err != nil {
				return fmt.Errorf("catalogue: sweep: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE catalogue_sync SET next_cursor = $2, pages = pages + 1, seen = seen + $3
		WHERE app = $1`, y.opts.App, list.Next, len(list.Rooms)+len(list.Unreadable)); err != nil {
		return fmt.Errorf("catalogue: sweep: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("catalogue: sweep: %w", err)
	}
	return nil
}

// finish marks the public rooms not seen since the sweep began as missing
// and records the sweep.
func (y *Syncer) finish(ctx context.Context, started int64) error {
	st := y.store
	st.Flush() // rooms read during the sweep count as seen
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("catalogue: sweep: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE catalogue_rooms SET presence = 'missing'
		WHERE app = $1 AND presence = 'listed' AND seen_at_us < $2`, y.opts.App, started)
	if err != nil {
		return fmt.Errorf("catalogue: sweep: %w", err)
	}
	missing, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `UPDATE catalogue_sync SET finished_at_us = $2, last_started_us = started_at_us,
		last_seen = seen, last_missing = $3, started_at_us = 0, next_cursor = '', pages = 0, seen = 0, last_error = ''
		WHERE app = $1`, y.opts.App, st.opts.Now().UnixMicro(), missing); err != nil {
		return fmt.Errorf("catalogue: sweep: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("catalogue: sweep: %w", err)
	}
	return nil
}

// fail records why a sweep stopped; restart drops its progress so the
// next sweep starts from the first page.
func (y *Syncer) fail(ctx context.Context, cause error, restart bool) error {
	q := `UPDATE catalogue_sync SET last_error = $2 WHERE app = $1`
	if restart {
		q = `UPDATE catalogue_sync SET last_error = $2, started_at_us = 0, next_cursor = '', pages = 0, seen = 0 WHERE app = $1`
	}
	// The sweep's own context may be what ended; the record still goes in.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := y.store.db.ExecContext(wctx, q, y.opts.App, cause.Error()); err != nil && !errors.Is(err, sql.ErrConnDone) {
		y.opts.Logger.Warn("catalogue: could not record a stopped sweep", "app", y.opts.App, "err", err)
	}
	return cause
}
