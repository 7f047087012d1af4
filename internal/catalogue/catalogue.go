// Package catalogue is roomdesk's own copy of the rooms it has seen, so an
// operator can find a room by part of its name, its owner or a RoomId
// prefix, filter and sort (Tencent can only page its list, most viewed
// first, public rooms only). Every room roomdesk reads refreshes its entry
// (the Store is a rooms.Observer), and a background sweep of get_room_list
// (Syncer) finds the rest; rooms absent from a full sweep are marked
// missing, not deleted. It knows nothing of HTTP or HTML.
package catalogue

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Presence says whether a room was where roomdesk last looked for it.
type Presence string

const (
	Listed  Presence = "listed"  // public, and seen since the last full sweep began
	Private Presence = "private" // read by its id; not in the public list
	Missing Presence = "missing" // public when last seen, absent from the last full sweep: gone or made private
)

// Room is a catalogue entry: the room as last seen, and when and how.
type Room struct {
	tencent.RoomInfo
	App      string
	Presence Presence
	SeenAt   time.Time
	SeenHow  rooms.Seen
	// Detailed says the whole room was read (get_room_info or an accepted
	// update) at DetailAt; a room known only from get_room_list has no
	// muted flag, seat mode, limits or notice.
	Detailed bool
	DetailAt time.Time
}

// Options tune a Store. Every field is optional.
type Options struct {
	Now    func() time.Time
	Logger *slog.Logger
	// WriteDelay is how long a room state RoomSeen queues waits for
	// others to share its write (default 100 ms). Every write is a
	// commit, a disk sync, taken on SQLite's single write lock: without
	// the wait an edit's two sightings (the re-read, then the new state)
	// would each cost one beside the edit's own audit commits. Readers of
	// the catalogue never see the wait: they flush first.
	WriteDelay time.Duration
}

// Store is the catalogue on the database (SQLite or PostgreSQL). It is a
// rooms.Observer. Safe for concurrent use.
type Store struct {
	db   *db.DB
	opts Options

	// Rooms seen by readers wait here for a background writer, so a read
	// or an edit never waits for the catalogue's own write (see RoomSeen).
	mu       sync.Mutex
	idle     *sync.Cond // broadcast when the writer has nothing left
	pending  []seen
	draining bool
	kick     chan struct{} // Flush: write now, do not wait out WriteDelay
}

// New returns the catalogue on d.
func New(d *db.DB, opts Options) *Store {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.WriteDelay == 0 {
		opts.WriteDelay = 100 * time.Millisecond
	}
	s := &Store{db: d, opts: opts, kick: make(chan struct{}, 1)}
	s.idle = sync.NewCond(&s.mu)
	return s
}

// Put records room states seen now, in one transaction.
func (s *Store) Put(ctx context.Context, app string, list []tencent.RoomInfo, how rooms.Seen) error {
	if len(list) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("catalogue: put: %w", err)
	}
	defer tx.Rollback()
	if err := s.put(ctx, tx, app, list, how, s.opts.Now()); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("catalogue: put: %w", err)
	}
	return nil
}

const upsert = `INSERT INTO catalogue_rooms (app, room_id, name, name_fold, owner, categories,
	activity_status, view_count, muted, listed, seat_mode, create_time, presence, seen_at_us, seen_how, detail_at_us, room)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
	ON CONFLICT (app, room_id) DO UPDATE SET name = excluded.name, name_fold = excluded.name_fold,
	owner = excluded.owner, categories = excluded.categories, activity_status = excluded.activity_status,
	view_count = excluded.view_count, muted = excluded.muted, listed = excluded.listed,
	seat_mode = excluded.seat_mode, create_time = excluded.create_time, presence = excluded.presence,
	seen_at_us = excluded.seen_at_us, seen_how = excluded.seen_how, room = excluded.room,
	detail_at_us = CASE WHEN excluded.detail_at_us > 0 THEN excluded.detail_at_us ELSE catalogue_rooms.detail_at_us END
	WHERE catalogue_rooms.seen_at_us <= excluded.seen_at_us`

func (s *Store) put(ctx context.Context, tx *sql.Tx, app string, list []tencent.RoomInfo, how rooms.Seen, at time.Time) error {
	stmt, err := tx.PrepareContext(ctx, upsert)
	if err != nil {
		return fmt.Errorf("catalogue: put: %w", err)
	}
	defer stmt.Close()
	var prior *sql.Stmt
	if how == rooms.SeenList {
		if prior, err = tx.PrepareContext(ctx, `SELECT room FROM catalogue_rooms
			WHERE app = $1 AND room_id = $2 AND detail_at_us > 0`); err != nil {
			return fmt.Errorf("catalogue: put: %w", err)
		}
		defer prior.Close()
	}
	now := at.UnixMicro()
	detail := now
	for _, r := range list {
		if how == rooms.SeenList {
			detail = 0
			if r, err = listed(ctx, prior, app, r); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("catalogue: put %q: %w", r.RoomId, err)
		}
		presence := Listed
		if !r.IsPublicVisible {
			presence = Private
		}
		if _, err := stmt.ExecContext(ctx, app, r.RoomId, r.RoomName, Fold(r.RoomName), string(r.OwnerAccount),
			categoryText(r.Category), r.ActivityStatus, r.ViewCount, flag(bool(r.IsMessageDisabled)),
			flag(r.IsPublicVisible), string(r.TakeSeatMode), r.CreateTime, string(presence), now, string(how),
			detail, string(raw)); err != nil {
			return fmt.Errorf("catalogue: put %q: %w", r.RoomId, err)
		}
	}
	return nil
}

// listed merges a get_room_list item into what is known of the room. The
// list carries only some fields (docs/tencent-live-api.md: RoomName,
// RoomId, Owner_Account, CoverURL, Category, CreateTime, ActivityStatus,
// ViewCount), so the others keep the values last read by id; a listed
// room is public.
func listed(ctx context.Context, prior *sql.Stmt, app string, item tencent.RoomInfo) (tencent.RoomInfo, error) {
	item.IsPublicVisible = true
	var raw string
	err := prior.QueryRowContext(ctx, app, item.RoomId).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return item, nil
	}
	if err != nil {
		return item, fmt.Errorf("catalogue: put %q: %w", item.RoomId, err)
	}
	var r tencent.RoomInfo
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return item, nil // an unreadable old entry is simply replaced
	}
	r.RoomName, r.OwnerAccount, r.CoverURL, r.Category = item.RoomName, item.OwnerAccount, item.CoverURL, item.Category
	r.CreateTime, r.ActivityStatus, r.ViewCount, r.IsPublicVisible = item.CreateTime, item.ActivityStatus, item.ViewCount, true
	return r, nil
}

// Fold is how names are compared in a search: lower case.
func Fold(s string) string { return strings.ToLower(s) }

func categoryText(cats []int) string {
	var b strings.Builder
	b.WriteByte(',')
	for _, c := range cats {
		b.WriteString(strconv.Itoa(c))
		b.WriteByte(',')
	}
	return b.String()
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Get returns one entry; ok is false when the room is not catalogued.
func (s *Store) Get(ctx context.Context, app, roomID string) (Room, bool, error) {
	s.Flush()
	rows, err := s.db.QueryContext(ctx, `SELECT `+roomCols+` FROM catalogue_rooms c WHERE c.app = $1 AND c.room_id = $2`, app, roomID)
	if err != nil {
		return Room{}, false, fmt.Errorf("catalogue: get: %w", err)
	}
	list, err := scanRooms(rows, app)
	if err != nil || len(list) == 0 {
		return Room{}, false, err
	}
	return list[0], true, nil
}

// GetMany returns the entries of the rooms that are catalogued, by RoomId
// (the bulk preview's "current" values; at most a few hundred ids).
func (s *Store) GetMany(ctx context.Context, app string, ids []string) (map[string]Room, error) {
	s.Flush()
	out := make(map[string]Room, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)] // well under either dialect's bound on parameters
		ids = ids[len(chunk):]
		args := []any{app}
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			marks[i] = "$" + strconv.Itoa(i+2)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT `+roomCols+` FROM catalogue_rooms c WHERE c.app = $1 AND c.room_id IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("catalogue: get many: %w", err)
		}
		list, err := scanRooms(rows, app)
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			out[r.RoomId] = r
		}
	}
	return out, nil
}

const roomCols = `c.room, c.presence, c.seen_at_us, c.seen_how, c.detail_at_us, c.view_count, c.name_fold, c.create_time, c.room_id`

// sortKeys are a row's values the keyset cursor needs.
type sortKeys struct {
	views, created int64
	name, id       string
}

func scanRooms(rows *sql.Rows, app string) ([]Room, error) {
	list, _, err := scanPage(rows, app)
	return list, err
}

func scanPage(rows *sql.Rows, app string) ([]Room, []sortKeys, error) {
	defer rows.Close()
	var list []Room
	var keys []sortKeys
	for rows.Next() {
		var raw, presence, how string
		var seen, detail int64
		var k sortKeys
		if err := rows.Scan(&raw, &presence, &seen, &how, &detail, &k.views, &k.name, &k.created, &k.id); err != nil {
			return nil, nil, fmt.Errorf("catalogue: scan: %w", err)
		}
		r := Room{App: app, Presence: Presence(presence), SeenAt: time.UnixMicro(seen), SeenHow: rooms.Seen(how), Detailed: detail > 0}
		if r.Detailed {
			r.DetailAt = time.UnixMicro(detail)
		}
		if err := json.Unmarshal([]byte(raw), &r.RoomInfo); err != nil {
			return nil, nil, fmt.Errorf("catalogue: room %q: %w", k.id, err)
		}
		list = append(list, r)
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("catalogue: scan: %w", err)
	}
	return list, keys, nil
}
