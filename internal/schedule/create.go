package schedule

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// MaxRooms bounds the rooms of one scheduled change.
const MaxRooms = 5000

// Request is a change to schedule.
type Request struct {
	Rooms []string
	// Submitted and Original are the form as posted and as it was rendered
	// (orig_*): only the fields that differ are scheduled, and Original's
	// values for them are what the room is expected to hold at run time.
	// Without Original (a bulk change) every submitted field is scheduled
	// and the values are read when it runs.
	Submitted, Original rooms.Form
	ApplyAt, RevertAt   time.Time // RevertAt zero: no revert
	OnConflict          string    // OnConflictSkip (default) or OnConflictApply
	Zone                string    // the zone the times were entered in (shown back)
}

// InputError is a request that cannot be scheduled; nothing was stored.
// Fields maps "apply_at", "revert_at", "rooms", "fields" or a room field
// name to a message for the operator.
type InputError struct {
	Fields map[string]string
	// Codes name the problem of "apply_at" ("missing", "past"),
	// "revert_at" ("order") and "fields" ("nothing"), for translation.
	Codes map[string]string
}

func (e *InputError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "schedule: invalid " + strings.Join(keys, ", ")
}

// Create validates and stores a scheduled change, and records it in the
// audit log (schedule.create). The change is stored only if the record is.
func (s *Service) Create(ctx context.Context, actor audit.Actor, req Request) (Schedule, error) {
	sc, err := s.validate(req)
	if err != nil {
		return Schedule{}, err
	}
	sc.CreatedBy, sc.Role, sc.IP, sc.UserAgent = actor.Name, actor.Role, actor.IP, actor.UserAgent
	sc.CreatedAt, sc.App = s.opts.Now(), s.opts.App
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule: create: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `INSERT INTO schedules (app, created_by, created_by_role, client_ip, user_agent,
		created_at_us, fields, on_conflict, apply_at_us, revert_at_us, zone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING id`, sc.App, sc.CreatedBy, sc.Role, sc.IP, sc.UserAgent, micros(sc.CreatedAt), formJSON(sc.Fields),
		sc.OnConflict, micros(sc.ApplyAt), micros(sc.RevertAt), sc.Zone).Scan(&sc.ID); err != nil {
		return Schedule{}, fmt.Errorf("schedule: create: %w", err)
	}
	for i := range sc.Steps {
		st := &sc.Steps[i]
		st.ScheduleID = sc.ID
		if err := tx.QueryRowContext(ctx, `INSERT INTO schedule_steps (schedule_id, room_id, kind, due_at_us, status,
			fields, expected, updated_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			sc.ID, st.RoomID, st.Kind, micros(st.DueAt), st.Status, formJSON(st.Fields), formJSON(st.Expected),
			micros(sc.CreatedAt)).Scan(&st.ID); err != nil {
			return Schedule{}, fmt.Errorf("schedule: create: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Schedule{}, fmt.Errorf("schedule: create: %w", err)
	}
	// The record comes after the commit (an audit append is a write of its
	// own); a change that cannot be recorded is taken back before any
	// runner could see it due: apply_at lies in the future.
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionScheduleCreate, Outcome: audit.OutcomeOK, App: s.opts.App}
	e.SetActor(actor)
	if len(req.Rooms) == 1 {
		e.RoomID = req.Rooms[0]
	}
	e.Detail = describe(sc)
	if err := s.opts.Log.Append(ctx, &e); err != nil {
		s.remove(sc.ID)
		return Schedule{}, fmt.Errorf("schedule: create: %w: %w", rooms.ErrAuditUnavailable, err)
	}
	s.Wake()
	return sc, nil
}

// remove takes back a change whose creation could not be recorded.
func (s *Service) remove(id int64) {
	ctx := context.Background()
	for _, q := range []string{`DELETE FROM schedule_steps WHERE schedule_id = $1`, `DELETE FROM schedules WHERE id = $1`} {
		if _, err := s.db.ExecContext(ctx, q, id); err != nil {
			s.opts.Logger.Error("schedule: removing an unrecorded change", "schedule", id, "err", err)
		}
	}
}

// validate turns a request into a schedule and its steps, or an InputError.
func (s *Service) validate(req Request) (Schedule, error) {
	bad, codes := map[string]string{}, map[string]string{}
	now := s.opts.Now()
	switch {
	case req.ApplyAt.IsZero():
		bad["apply_at"], codes["apply_at"] = "Enter the time to apply the change.", "missing"
	case !req.ApplyAt.After(now):
		bad["apply_at"], codes["apply_at"] = "The time to apply the change has passed; enter a time in the future.", "past"
	}
	if !req.RevertAt.IsZero() && !req.ApplyAt.IsZero() && !req.RevertAt.After(req.ApplyAt) {
		bad["revert_at"], codes["revert_at"] = "The time to revert must be later than the time to apply.", "order"
	}
	onConflict := req.OnConflict
	if onConflict == "" {
		onConflict = OnConflictSkip
	}
	if onConflict != OnConflictSkip && onConflict != OnConflictApply {
		bad["on_conflict"] = "Choose skip or apply anyway."
	}
	seen := map[string]bool{}
	var ids []string
	for _, id := range req.Rooms {
		if id = strings.TrimSpace(id); id == "" || seen[id] {
			continue
		}
		if msg := rooms.ValidateRoomID(id); msg != "" {
			bad["rooms"] = fmt.Sprintf("%s: %s", id, msg)
			break
		}
		seen[id] = true
		ids = append(ids, id)
	}
	switch {
	case len(ids) == 0 && bad["rooms"] == "":
		bad["rooms"] = "Name at least one room."
	case len(ids) > MaxRooms:
		bad["rooms"] = fmt.Sprintf("At most %d rooms per scheduled change.", MaxRooms)
	}
	fields, expected := rooms.Form{}, rooms.Form{}
	if req.Original == nil {
		_, errs := rooms.Validate(req.Submitted)
		for f, msg := range errs {
			bad[f] = msg
		}
		for _, f := range rooms.Fields {
			if req.Submitted.Has(f) {
				fields[f] = req.Submitted[f]
			}
		}
	} else {
		changed, errs := rooms.Changed(req.Submitted, req.Original)
		for f, msg := range errs {
			bad[f] = msg
		}
		for _, f := range changed {
			fields[f] = req.Submitted[f]
			if req.Original.Has(f) {
				expected[f] = req.Original[f]
			}
		}
	}
	if len(fields) == 0 && len(bad) == 0 {
		bad["fields"], codes["fields"] = "Nothing to schedule: no field differs from the room as it was when you opened it.", "nothing"
	}
	if len(bad) > 0 {
		return Schedule{}, &InputError{Fields: bad, Codes: codes}
	}
	sc := Schedule{Fields: fields, OnConflict: onConflict, ApplyAt: req.ApplyAt.UTC(), Zone: req.Zone}
	if !req.RevertAt.IsZero() {
		sc.RevertAt = req.RevertAt.UTC()
	}
	for _, id := range ids {
		sc.Steps = append(sc.Steps, Step{RoomID: id, Kind: KindApply, DueAt: sc.ApplyAt, Status: StepUpcoming,
			Fields: fields, Expected: expected})
	}
	if !sc.RevertAt.IsZero() {
		for _, id := range ids { // its values are known once the apply step has run
			sc.Steps = append(sc.Steps, Step{RoomID: id, Kind: KindRevert, DueAt: sc.RevertAt, Status: StepUpcoming})
		}
	}
	return sc, nil
}

// Cancel cancels every step of the change that has not run yet (a step
// running now finishes) and records it (schedule.cancel).
func (s *Service) Cancel(ctx context.Context, actor audit.Actor, id int64) error {
	sc, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	now := micros(s.opts.Now())
	res, err := s.db.ExecContext(ctx, `UPDATE schedule_steps SET status = 'cancelled', updated_at_us = $2,
		message = 'Cancelled before it ran.' WHERE schedule_id = $1 AND status = 'upcoming'`, id, now)
	if err != nil {
		return fmt.Errorf("schedule: cancel: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		return ErrFinished
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE schedules SET cancelled_by = $2, cancelled_at_us = $3 WHERE id = $1`,
		id, actor.Name, now); err != nil {
		return fmt.Errorf("schedule: cancel: %w", err)
	}
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionScheduleCancel, Outcome: audit.OutcomeOK, App: s.opts.App}
	e.SetActor(actor)
	if r := sc.Rooms(); len(r) == 1 {
		e.RoomID = r[0]
	}
	e.Detail = fmt.Sprintf("%s created by %s: %d steps cancelled before they ran", sc.Key(), sc.CreatedBy, n)
	s.appendEvent(ctx, &e)
	return nil
}

// Wake makes an idle runner look for due steps now.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Service) appendEvent(ctx context.Context, e *audit.Entry) {
	if err := s.opts.Log.Append(context.WithoutCancel(ctx), e); err != nil {
		s.opts.Logger.Error("schedule: audit append failed", "action", e.Action, "room", e.RoomID, "detail", e.Detail, "err", err)
	}
}

// describe is the schedule.create entry's detail.
func describe(sc Schedule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", sc.Key())
	var parts []string
	for _, f := range rooms.Fields {
		if sc.Fields.Has(f) {
			p := fmt.Sprintf("%s → %q", f, rooms.DisplayValues(f, sc.Fields[f]))
			if exp := sc.Steps[0].Expected; exp.Has(f) {
				p = fmt.Sprintf("%s %q → %q", f, rooms.DisplayValues(f, exp[f]), rooms.DisplayValues(f, sc.Fields[f]))
			}
			parts = append(parts, p)
		}
	}
	b.WriteString(strings.Join(parts, ", "))
	if r := sc.Rooms(); len(r) == 1 {
		fmt.Fprintf(&b, " on room %s", r[0])
	} else {
		fmt.Fprintf(&b, " on %d rooms", len(r))
	}
	fmt.Fprintf(&b, " at %s", sc.ApplyAt.Format(time.RFC3339))
	if !sc.RevertAt.IsZero() {
		fmt.Fprintf(&b, ", reverted at %s", sc.RevertAt.Format(time.RFC3339))
	}
	if sc.OnConflict == OnConflictApply {
		b.WriteString("; fields changed since are applied anyway")
	} else {
		b.WriteString("; fields changed since are skipped and flagged")
	}
	return b.String()
}

func formJSON(f rooms.Form) string {
	if len(f) == 0 {
		return ""
	}
	b, _ := json.Marshal(f)
	return string(b)
}

func parseForm(s string) rooms.Form {
	f := rooms.Form{}
	if s != "" {
		_ = json.Unmarshal([]byte(s), &f)
	}
	return f
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
