package schedule

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

const scheduleCols = `id, app, created_by, created_by_role, client_ip, user_agent, created_at_us, fields,
	on_conflict, apply_at_us, revert_at_us, zone, cancelled_by, cancelled_at_us`

const stepCols = `id, schedule_id, room_id, kind, due_at_us, status, fields, expected, attempt, applied,
	before_values, flagged, message, request_id, intent_seq, attempts, updated_at_us`

type scanner interface{ Scan(dest ...any) error }

func scanSchedule(r scanner) (Schedule, error) {
	var sc Schedule
	var fields string
	var created, apply, revert, cancelled int64
	if err := r.Scan(&sc.ID, &sc.App, &sc.CreatedBy, &sc.Role, &sc.IP, &sc.UserAgent, &created, &fields,
		&sc.OnConflict, &apply, &revert, &sc.Zone, &sc.CancelledBy, &cancelled); err != nil {
		return Schedule{}, err
	}
	sc.CreatedAt, sc.ApplyAt, sc.RevertAt, sc.CancelledAt = fromMicros(created), fromMicros(apply), fromMicros(revert), fromMicros(cancelled)
	sc.Fields = parseForm(fields)
	return sc, nil
}

func scanStep(r scanner) (Step, error) {
	var st Step
	var due, updated int64
	var fields, expected, att, applied, before, flagged string
	if err := r.Scan(&st.ID, &st.ScheduleID, &st.RoomID, &st.Kind, &due, &st.Status, &fields, &expected, &att,
		&applied, &before, &flagged, &st.Message, &st.RequestID, &st.IntentSeq, &st.Attempts, &updated); err != nil {
		return Step{}, err
	}
	st.DueAt, st.UpdatedAt = fromMicros(due), fromMicros(updated)
	st.Fields, st.Expected, st.Applied, st.Before = parseForm(fields), parseForm(expected), parseForm(applied), parseForm(before)
	if att != "" {
		_ = json.Unmarshal([]byte(att), &st.attempt)
	}
	if flagged != "" {
		_ = json.Unmarshal([]byte(flagged), &st.Flags)
	}
	return st, nil
}

// Get returns one change of this service's app with its steps.
func (s *Service) Get(ctx context.Context, id int64) (Schedule, error) {
	sc, err := scanSchedule(s.db.QueryRowContext(ctx, `SELECT `+scheduleCols+` FROM schedules WHERE id = $1 AND `+
		s.mine("app", 2), id, s.opts.App))
	if isNoRows(err) {
		return Schedule{}, ErrNotFound
	}
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule: get: %w", err)
	}
	steps, err := s.steps(ctx, `schedule_id = $1`, id)
	if err != nil {
		return Schedule{}, err
	}
	sc.Steps = steps
	return sc, nil
}

// List returns this app's most recent changes (newest first, at most
// limit) with their steps.
func (s *Service) List(ctx context.Context, limit int) ([]Schedule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+scheduleCols+` FROM schedules WHERE `+s.mine("app", 1)+
		` ORDER BY id DESC LIMIT $2`, s.opts.App, limit)
	if err != nil {
		return nil, fmt.Errorf("schedule: list: %w", err)
	}
	var out []Schedule
	byID := map[int64]int{}
	for rows.Next() {
		sc, err := scanSchedule(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("schedule: list: %w", err)
		}
		byID[sc.ID] = len(out)
		out = append(out, sc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schedule: list: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	steps, err := s.steps(ctx, `schedule_id >= $1 AND schedule_id <= $2`, out[len(out)-1].ID, out[0].ID)
	if err != nil {
		return nil, err
	}
	for _, st := range steps {
		if i, ok := byID[st.ScheduleID]; ok {
			out[i].Steps = append(out[i].Steps, st)
		}
	}
	return out, nil
}

// steps reads steps matching where, apply steps first.
func (s *Service) steps(ctx context.Context, where string, args ...any) ([]Step, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+stepCols+` FROM schedule_steps WHERE `+where+
		` ORDER BY schedule_id, CASE kind WHEN 'apply' THEN 0 ELSE 1 END, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("schedule: steps: %w", err)
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		st, err := scanStep(rows)
		if err != nil {
			return nil, fmt.Errorf("schedule: steps: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("schedule: steps: %w", err)
	}
	return out, nil
}

// FlagText is a step's skipped fields in words.
func (st Step) FlagText() string {
	parts := make([]string, len(st.Flags))
	for i, f := range st.Flags {
		parts[i] = fmt.Sprintf("%s (expected %q, found %q)", f.Field, f.Expected, f.Found)
	}
	return strings.Join(parts, "; ")
}
