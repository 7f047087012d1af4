package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// OutsideActor is the author of a changed-outside event: roomdesk itself,
// which noticed it. Who made the change is not known.
const OutsideActor = "system"

// RoomSeen compares a room as roomdesk just learnt it with the values it
// last recorded (the baseline) and records each difference once, as a
// room.changed_outside event with both values, before moving the baseline.
// An accepted update (rooms.SeenUpdate) moves the baseline silently: that
// change is roomdesk's own and already in the log. The first sight of a
// room, or of a field (a list page carries only rooms.ListedFields),
// records nothing. A difference that equals what a roomdesk update since
// the baseline sent (its outcome unknown, or its result not yet recorded)
// is that update landing, not someone else's change.
//
// It never fails the read: problems are logged, and the baseline stays,
// so the next read tries again.
func (s *Service) RoomSeen(ctx context.Context, app string, room tencent.RoomInfo, how rooms.Seen) {
	if err := s.see(ctx, app, room, how); err != nil {
		s.opts.Logger.Warn("history: changed-outside check failed", "app", app, "room_id", room.RoomId, "err", err)
	}
}

var _ rooms.TxObserver = (*Service)(nil)

// RoomSetTx moves the room's baseline to the state an accepted update
// gave it, silently (as RoomSeen does for rooms.SeenUpdate), inside tx:
// the transaction that records the update's result. Every field is known
// after an update, so the new baseline is the room's values whole, and one
// upsert writes it. seen_seq is the log's head before the result row,
// which is at or past the update's own intent: that intent no longer
// explains anything, as it should not, the baseline now holding its
// values. The upsert takes the row's lock before the caller's append takes
// the append lock, the order see takes them in.
func (s *Service) RoomSetTx(ctx context.Context, tx *sql.Tx, app string, room tencent.RoomInfo) error {
	if room.RoomId == "" {
		return nil
	}
	js, err := json.Marshal(rooms.Values(room))
	if err != nil {
		return fmt.Errorf("history: baseline: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO room_baselines (app, room_id, fields, seen_seq, updated_at_us)
		VALUES ($1, $2, $3, (SELECT COALESCE(MAX(seq), 0) FROM audit_log), $4)
		ON CONFLICT (app, room_id) DO UPDATE SET fields = excluded.fields,
		seen_seq = excluded.seen_seq, updated_at_us = excluded.updated_at_us`,
		app, room.RoomId, string(js), s.opts.Now().UnixMicro()); err != nil {
		return fmt.Errorf("history: baseline: %w", err)
	}
	return nil
}

type baseline struct {
	fields  map[string]string
	seenSeq int64
}

func (s *Service) see(ctx context.Context, app string, room tencent.RoomInfo, how rooms.Seen) error {
	if room.RoomId == "" {
		return nil
	}
	now := rooms.Values(room)
	if how == rooms.SeenList {
		listed := map[string]string{}
		for _, f := range rooms.ListedFields {
			listed[f] = now[f]
		}
		now = listed
	}
	// The common case, a room as roomdesk last recorded it, is one read
	// and no write.
	if b, ok, err := s.baseline(ctx, s.db.DB, app, room.RoomId, false); err != nil {
		return err
	} else if ok && same(b.fields, now) {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("history: baseline: %w", err)
	}
	defer tx.Rollback()
	// Create the row if it is missing, then lock it: two instances (or two
	// requests) that see the same difference record it once.
	if _, err := tx.ExecContext(ctx, `INSERT INTO room_baselines (app, room_id, fields, seen_seq, updated_at_us)
		VALUES ($1, $2, '{}', 0, $3) ON CONFLICT (app, room_id) DO NOTHING`, app, room.RoomId, s.opts.Now().UnixMicro()); err != nil {
		return fmt.Errorf("history: baseline: %w", err)
	}
	b, _, err := s.baseline(ctx, tx, app, room.RoomId, true)
	if err != nil {
		return err
	}
	if same(b.fields, now) {
		return nil
	}
	var diffs []audit.Change
	for _, f := range rooms.Fields {
		was, known := b.fields[f]
		is, seen := now[f]
		if known && seen && was != is {
			diffs = append(diffs, audit.Change{Field: f, Before: was, After: is})
		}
	}
	if how != rooms.SeenUpdate && len(diffs) > 0 {
		if diffs, err = s.unexplained(ctx, tx, app, room.RoomId, b.seenSeq, diffs); err != nil {
			return err
		}
		if len(diffs) > 0 {
			e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionChangedOutside, RoomID: room.RoomId, App: app,
				Actor: OutsideActor, Changes: diffs, Outcome: audit.OutcomeOK,
				Detail: fmt.Sprintf("changed outside roomdesk: seen on a %s of the room", seenWord(how))}
			if err := s.opts.Tx.AppendTx(ctx, tx, &e); err != nil {
				return fmt.Errorf("history: record the change made outside: %w", err)
			}
		}
	}
	merged := maps.Clone(b.fields)
	maps.Copy(merged, now)
	js, err := json.Marshal(merged)
	if err != nil {
		return fmt.Errorf("history: baseline: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE room_baselines SET fields = $1, updated_at_us = $2,
		seen_seq = (SELECT COALESCE(MAX(seq), 0) FROM audit_log) WHERE app = $3 AND room_id = $4`,
		string(js), s.opts.Now().UnixMicro(), app, room.RoomId); err != nil {
		return fmt.Errorf("history: baseline: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("history: baseline: %w", err)
	}
	return nil
}

func seenWord(how rooms.Seen) string {
	if how == rooms.SeenList {
		return "list page (get_room_list)"
	}
	return "read (get_room_info)"
}

// same reports whether every field of now holds the baseline's value.
func same(base, now map[string]string) bool {
	for f, v := range now {
		if was, ok := base[f]; !ok || was != v {
			return false
		}
	}
	return true
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// baseline reads the room's baseline; lock takes the row for the rest of
// the transaction on PostgreSQL (SQLite's write transaction already holds
// the whole database).
func (s *Service) baseline(ctx context.Context, q querier, app, id string, lock bool) (baseline, bool, error) {
	query := `SELECT fields, seen_seq FROM room_baselines WHERE app = $1 AND room_id = $2`
	if lock && s.db.Dialect == db.Postgres {
		query += ` FOR UPDATE`
	}
	var raw string
	var b baseline
	err := q.QueryRowContext(ctx, query, app, id).Scan(&raw, &b.seenSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return baseline{}, false, nil
	}
	if err != nil {
		return baseline{}, false, fmt.Errorf("history: baseline: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &b.fields); err != nil {
		return baseline{}, false, fmt.Errorf("history: baseline of %q: %w", id, err)
	}
	return b, true, nil
}

// unexplained drops the differences a roomdesk update since the baseline
// explains: an intent for the room after seenSeq that did not fail (its
// outcome unknown, its result not written yet, or OK with the baseline not
// moved yet) and sent exactly the value now read.
func (s *Service) unexplained(ctx context.Context, q querier, app, id string, seenSeq int64, diffs []audit.Change) ([]audit.Change, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.changes FROM audit_log i
		LEFT JOIN audit_log r ON r.intent_seq = i.seq
		WHERE i.room_id = $1 AND i.seq > $2 AND i.kind = 'intent' AND i.app = $3
		AND (r.seq IS NULL OR r.outcome <> 'failed')`, id, seenSeq, app)
	if err != nil {
		return nil, fmt.Errorf("history: roomdesk's own updates: %w", err)
	}
	defer rows.Close()
	sent := map[string]map[string]bool{} // field → values some update sent
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("history: roomdesk's own updates: %w", err)
		}
		cs, err := audit.ParseChanges(raw)
		if err != nil {
			continue // not ours to judge; it explains nothing
		}
		for _, c := range cs {
			if sent[c.Field] == nil {
				sent[c.Field] = map[string]bool{}
			}
			sent[c.Field][c.After] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: roomdesk's own updates: %w", err)
	}
	out := diffs[:0:0]
	for _, d := range diffs {
		if !sent[d.Field][d.After] {
			out = append(out, d)
		}
	}
	return out, nil
}
