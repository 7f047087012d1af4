// Package activity sums up what is going on, for the home page: edits per
// hour, failures by ErrorCode, outcomes still unknown, who edits most and
// which rooms changed today. Everything is read from the audit log, the
// one record of what roomdesk did; nothing here writes.
package activity

import (
	"context"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

const hourUS = int64(time.Hour / time.Microsecond)

// Summary is the home page's numbers, as of Now.
type Summary struct {
	Now time.Time
	// Hours are edits (room.update intents) per hour, oldest first: the
	// last 168 hours, the hour of Now last. Hours[len-24:] is the last day.
	Hours []Hour
	// Failures are refused edits of the last 7 days by ErrorCode, most first.
	Failures []Failure
	// Unknown is how many edits of the last 7 days have no known outcome.
	Unknown   int
	Operators []Operator // the most active editors of the last 7 days
	Rooms     []Room     // rooms changed (outcome ok) since midnight UTC
}

// Hour is one hour's edits.
type Hour struct {
	Start time.Time
	Edits int
	OK    int
}

// Failure is one ErrorCode's refusals.
type Failure struct {
	Code  int
	Count int
}

// Operator is one editor's edits.
type Operator struct {
	Name  string
	Edits int
}

// Room is one room changed today.
type Room struct {
	App, ID string
	Changes int
	Last    time.Time
}

// Service reads the summary.
type Service struct{ db *db.DB }

// New returns the service.
func New(d *db.DB) *Service { return &Service{db: d} }

// Week is how far back the summary looks.
const Week = 7 * 24 * time.Hour

// Summary is the state of the log at now. "Today" is the calendar day in
// now's location (the viewer's zone), so a Tokyo operator's today starts at
// 00:00 in Tokyo.
func (s *Service) Summary(ctx context.Context, now time.Time) (Summary, error) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	now = now.UTC()
	sum := Summary{Now: now}
	last := now.Truncate(time.Hour)
	first := last.Add(-Week + time.Hour)
	from := first.UnixMicro()
	sum.Hours = make([]Hour, 168)
	for i := range sum.Hours {
		sum.Hours[i].Start = first.Add(time.Duration(i) * time.Hour)
	}
	// Intents with their result (if any), bucketed by hour. Integer division
	// of BIGINT microseconds truncates the same way on both dialects.
	rows, err := s.db.QueryContext(ctx, `SELECT i.at_us / $1, COUNT(*), SUM(CASE WHEN r.outcome = 'ok' THEN 1 ELSE 0 END)
		FROM audit_log i LEFT JOIN audit_log r ON r.intent_seq = i.seq
		WHERE i.kind = 'intent' AND i.action = $2 AND i.at_us >= $3
		GROUP BY i.at_us / $1`, hourUS, audit.ActionRoomUpdate, from)
	if err != nil {
		return Summary{}, fmt.Errorf("activity: hours: %w", err)
	}
	for rows.Next() {
		var h, n, ok int64
		if err := rows.Scan(&h, &n, &ok); err != nil {
			rows.Close()
			return Summary{}, fmt.Errorf("activity: hours: %w", err)
		}
		if i := int(h - from/hourUS); i >= 0 && i < len(sum.Hours) {
			sum.Hours[i].Edits, sum.Hours[i].OK = int(n), int(ok)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Summary{}, fmt.Errorf("activity: hours: %w", err)
	}
	if err := s.failures(ctx, &sum, from); err != nil {
		return Summary{}, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log i LEFT JOIN audit_log r ON r.intent_seq = i.seq
		WHERE i.kind = 'intent' AND i.action = $1 AND i.at_us >= $2 AND (r.seq IS NULL OR r.outcome = 'unknown')`,
		audit.ActionRoomUpdate, from).Scan(&sum.Unknown); err != nil {
		return Summary{}, fmt.Errorf("activity: unknown: %w", err)
	}
	if err := s.operators(ctx, &sum, from); err != nil {
		return Summary{}, err
	}
	return sum, s.rooms(ctx, &sum, today.UnixMicro())
}

func (s *Service) failures(ctx context.Context, sum *Summary, from int64) error {
	rows, err := s.db.QueryContext(ctx, `SELECT error_code, COUNT(*) FROM audit_log
		WHERE kind = 'result' AND action = $1 AND outcome = 'failed' AND at_us >= $2
		GROUP BY error_code ORDER BY COUNT(*) DESC, error_code LIMIT 10`, audit.ActionRoomUpdate, from)
	if err != nil {
		return fmt.Errorf("activity: failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f Failure
		if err := rows.Scan(&f.Code, &f.Count); err != nil {
			return fmt.Errorf("activity: failures: %w", err)
		}
		sum.Failures = append(sum.Failures, f)
	}
	return rows.Err()
}

func (s *Service) operators(ctx context.Context, sum *Summary, from int64) error {
	rows, err := s.db.QueryContext(ctx, `SELECT actor, COUNT(*) FROM audit_log
		WHERE kind = 'intent' AND action = $1 AND at_us >= $2
		GROUP BY actor ORDER BY COUNT(*) DESC, actor LIMIT 5`, audit.ActionRoomUpdate, from)
	if err != nil {
		return fmt.Errorf("activity: operators: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Operator
		if err := rows.Scan(&o.Name, &o.Edits); err != nil {
			return fmt.Errorf("activity: operators: %w", err)
		}
		sum.Operators = append(sum.Operators, o)
	}
	return rows.Err()
}

func (s *Service) rooms(ctx context.Context, sum *Summary, from int64) error {
	rows, err := s.db.QueryContext(ctx, `SELECT i.app, i.room_id, COUNT(*), MAX(i.at_us)
		FROM audit_log i JOIN audit_log r ON r.intent_seq = i.seq AND r.outcome = 'ok'
		WHERE i.kind = 'intent' AND i.action = $1 AND i.at_us >= $2
		GROUP BY i.app, i.room_id ORDER BY MAX(i.at_us) DESC LIMIT 20`, audit.ActionRoomUpdate, from)
	if err != nil {
		return fmt.Errorf("activity: rooms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Room
		var at int64
		if err := rows.Scan(&r.App, &r.ID, &r.Changes, &at); err != nil {
			return fmt.Errorf("activity: rooms: %w", err)
		}
		r.Last = time.UnixMicro(at).UTC()
		sum.Rooms = append(sum.Rooms, r)
	}
	return rows.Err()
}
