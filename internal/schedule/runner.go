package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Run is the runner: it runs the steps that fall due until ctx ends,
// waking when the next one is due, when a change is scheduled (Wake), or
// at the latest every Poll. Steps left running by an earlier process are
// taken up first (they are due). Several instances may run one each on a
// shared PostgreSQL: a step is run by one of them (see lease).
func (s *Service) Run(ctx context.Context) {
	for ctx.Err() == nil {
		if _, err := s.RunDue(ctx); err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("schedule: running due steps", "err", err)
		}
		wait := s.opts.Poll
		if next, ok, err := s.nextDue(ctx); err == nil && ok {
			if d := next.Sub(s.opts.Now()); d > 0 && d < wait {
				wait = d
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// due is the condition for a step to run (now is $2): upcoming, or left
// running by a runner that is gone, and its time has come; a revert also
// waits for its room's apply step to end.
const due = `st.status IN ('upcoming', 'running') AND st.due_at_us <= $2 AND (st.kind = 'apply' OR NOT EXISTS
	(SELECT 1 FROM schedule_steps a WHERE a.schedule_id = st.schedule_id AND a.room_id = st.room_id
	AND a.kind = 'apply' AND a.status IN ('upcoming', 'running')))`

// RunDue runs the steps due now, Workers at a time, and returns how many
// it ran to an end (done, flagged, skipped, failed, or put back for a
// retry). Steps another instance holds are passed over.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	now := micros(s.opts.Now())
	rows, err := s.db.QueryContext(ctx, `SELECT st.id FROM schedule_steps st JOIN schedules sc ON sc.id = st.schedule_id
		WHERE `+s.mine("sc.app", 1)+` AND `+due+` ORDER BY st.due_at_us, st.id LIMIT 500`, s.opts.App, now)
	if err != nil {
		return 0, fmt.Errorf("schedule: due steps: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("schedule: due steps: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("schedule: due steps: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	l, err := s.openLeases(ctx)
	if err != nil {
		return 0, err
	}
	defer l.close()
	var ran atomic.Int64
	var firstErr error
	var mu sync.Mutex
	work := make(chan int64)
	var wg sync.WaitGroup
	for range min(s.opts.Workers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				ok, err := s.runOne(ctx, l, id, now)
				if ok {
					ran.Add(1)
				}
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		work <- id
	}
	close(work)
	wg.Wait()
	return int(ran.Load()), firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// nextDue is when the next upcoming step of this app falls due.
func (s *Service) nextDue(ctx context.Context) (time.Time, bool, error) {
	var next *int64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(st.due_at_us) FROM schedule_steps st JOIN schedules sc
		ON sc.id = st.schedule_id WHERE `+s.mine("sc.app", 1)+` AND st.status = 'upcoming'`, s.opts.App).Scan(&next); err != nil {
		return time.Time{}, false, err
	}
	if next == nil {
		return time.Time{}, false, nil
	}
	return fromMicros(*next), true, nil
}

// runOne leases, claims and runs one step.
func (s *Service) runOne(ctx context.Context, l *leases, id, now int64) (bool, error) {
	ok, err := l.try(ctx, id)
	if err != nil || !ok {
		return false, err
	}
	defer l.release(id)
	// Claimed under the lease, in one statement: a step another runner
	// finished a moment ago is no longer upcoming or running.
	st, err := scanStep(s.db.QueryRowContext(ctx, `UPDATE schedule_steps AS st SET status = 'running',
		attempts = st.attempts + 1, updated_at_us = $2 WHERE st.id = $1 AND `+due+` RETURNING `+stepCols, id, now))
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("schedule: claim step %d: %w", id, err)
	}
	sc, err := scanSchedule(s.db.QueryRowContext(ctx, `SELECT `+scheduleCols+` FROM schedules WHERE id = $1`, st.ScheduleID))
	if err != nil {
		return false, fmt.Errorf("schedule: step %d: %w", id, err)
	}
	out, keep := s.runStep(ctx, sc, st)
	if keep {
		return false, nil // stopping mid-call: the next runner re-reads the room
	}
	return true, s.finish(ctx, out)
}

// actorFor is who a step acts as: the scheduler, on behalf of the schedule.
func actorFor(sc Schedule, st Step) audit.Actor {
	note := "schedule " + sc.Key()
	if st.Kind == KindRevert {
		note += " (revert)"
	}
	return audit.Actor{Name: sc.CreatedBy, Role: sc.Role, IP: sc.IP, UserAgent: sc.UserAgent, Note: note}
}

// runStep makes a step's call, skipping (or, when the scheduler chose so,
// applying anyway) the fields found changed since scheduling. keep means
// the runner is stopping with the call's outcome unknown: the step stays
// running for the next runner.
func (s *Service) runStep(ctx context.Context, sc Schedule, st Step) (Step, bool) {
	submitted, original := maps.Clone(st.Fields), maps.Clone(st.Expected)
	resent := len(st.attempt.Submitted) > 0
	if resent { // the call an earlier run made, perhaps applied
		submitted, original = maps.Clone(st.attempt.Submitted), maps.Clone(st.attempt.Original)
	}
	if original == nil {
		original = rooms.Form{}
	}
	if len(submitted) == 0 && len(st.Flags) == 0 {
		st.Status, st.Message = StepSkipped, "Nothing to revert: the change set nothing in this room."
		return st, false
	}
	// A field without an expected value (a bulk change) is held against
	// the room as it is now.
	if missing(submitted, original) {
		room, err := s.up.Get(ctx, st.RoomID)
		if err != nil {
			return s.settle(ctx, st, rooms.Result{}, err, false, nil, nil)
		}
		cur := rooms.FormFromRoom(room)
		for f := range submitted {
			if !original.Has(f) {
				original[f] = cur[f]
			}
		}
	}
	actor := actorFor(sc, st)
	var anyway []string
	for range len(rooms.Fields) + 1 {
		if len(submitted) == 0 {
			st.Status, st.Message = StepSkipped, "Not applied: every field changed since it was scheduled."
			return st, false
		}
		st.attempt = attempt{Submitted: submitted, Original: original}
		if err := s.saveAttempt(ctx, st); err != nil {
			return s.settle(ctx, st, rooms.Result{}, fmt.Errorf("%w: %w", rooms.ErrAuditUnavailable, err), false, nil, nil)
		}
		res, err := s.up.Update(ctx, actor, st.RoomID, submitted, original)
		var ce *rooms.ConflictError
		if !errors.As(err, &ce) {
			st, keep := s.settle(ctx, st, res, err, resent, submitted, original)
			if len(anyway) > 0 && st.Status == StepDone {
				st.Message += fmt.Sprintf(" Applied anyway although changed since scheduling: %v.", anyway)
			}
			return st, keep
		}
		resent = false // a conflict: the earlier call, if any, was not applied
		for _, c := range ce.Conflicts {
			if sc.OnConflict == OnConflictApply {
				original[c.Field] = ce.Original[c.Field]
				anyway = append(anyway, c.Field)
				continue
			}
			delete(submitted, c.Field)
			delete(original, c.Field)
			f := Flag{Field: c.Field, Expected: c.Original, Found: c.Theirs}
			st.Flags = append(st.Flags, f)
			s.recordSkip(ctx, actor, sc, st, f)
		}
	}
	st.Status, st.Message = StepFailed, "Not applied: the room kept changing while roomdesk checked it."
	return st, false
}

func missing(submitted, original rooms.Form) bool {
	for f := range submitted {
		if !original.Has(f) {
			return true
		}
	}
	return false
}

// settle records an Update's answer on the step.
func (s *Service) settle(ctx context.Context, st Step, res rooms.Result, err error, resent bool, submitted, original rooms.Form) (Step, bool) {
	if ctx.Err() != nil && (err != nil || res.Outcome == audit.OutcomeUnknown) {
		return st, true
	}
	ok := StepDone
	if len(st.Flags) > 0 {
		ok = StepFlagged
	}
	var ae *tencent.APIError
	var ve *rooms.ValidationError
	retry := false
	switch {
	case err == nil:
		st.RequestID, st.IntentSeq = res.RequestID, max(st.IntentSeq, res.IntentSeq)
		switch res.Outcome {
		case audit.OutcomeOK:
			st.Applied, st.Before = rooms.Form{}, rooms.Form{}
			for _, c := range res.Changes {
				st.Applied[c.Field], st.Before[c.Field] = submitted[c.Field], original[c.Field]
			}
			st.Status, st.Message = ok, "Applied."
		case rooms.OutcomeNothing:
			if resent { // claimed before, and the room now holds the values: that call was applied
				st.Applied, st.Before = submitted, original
				st.Status, st.Message = ok, "Already applied by an earlier attempt; not sent again."
			} else {
				st.Status, st.Message = ok, "Nothing to send: the room already had these values."
			}
		case audit.OutcomeFailed:
			st.Status, st.Message = StepFailed, fmt.Sprintf("Tencent refused it: %d %s", res.ErrorCode, firstNonEmpty(res.Meaning, res.Message))
		default:
			st.Message, retry = "Outcome unknown: Tencent did not answer. "+res.Message, true
		}
	case errors.Is(err, rooms.ErrRoomNotFound):
		st.Status, st.Message = StepFailed, "No such room (or it was dismissed)."
	case errors.As(err, &ve):
		st.Status, st.Message = StepFailed, ve.Error()
	case errors.As(err, &ae):
		st.Status, st.Message, st.RequestID = StepFailed, fmt.Sprintf("Not sent: Tencent answered %d (%s).", ae.Code, tencent.Describe(ae.Code).Meaning), ae.RequestID
	case errors.Is(err, tencent.ErrUnreachable), errors.Is(err, rooms.ErrAuditUnavailable):
		st.Message, retry = "Not sent: "+err.Error(), true
	default:
		st.Status, st.Message = StepFailed, "Not sent: "+err.Error()
	}
	if retry {
		if st.Attempts >= s.opts.Attempts {
			st.Status = StepFailed
			st.Message += fmt.Sprintf(" Gave up after %d tries.", st.Attempts)
		} else {
			st.Status = StepUpcoming
			st.DueAt = s.opts.Now().Add(s.opts.RetryDelay << (st.Attempts - 1))
			st.Message += " Trying again at " + st.DueAt.Format(time.RFC3339) + "."
		}
	}
	return st, false
}

func (s *Service) saveAttempt(ctx context.Context, st Step) error {
	att, _ := json.Marshal(st.attempt)
	_, err := s.db.ExecContext(ctx, `UPDATE schedule_steps SET attempt = $2, flagged = $3, updated_at_us = $4 WHERE id = $1`,
		st.ID, string(att), flagsJSON(st.Flags), micros(s.opts.Now()))
	return err
}

// finish stores a step's end (or its retry), and hands an ended apply
// step's values to its revert: the revert expects what the apply set and
// restores what it replaced.
func (s *Service) finish(ctx context.Context, st Step) error {
	ctx = context.WithoutCancel(ctx)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("schedule: finish step %d: %w", st.ID, err)
	}
	defer tx.Rollback()
	now := micros(s.opts.Now())
	att := ""
	if st.Status == StepUpcoming { // a retry keeps the call it may have made
		b, _ := json.Marshal(st.attempt)
		att = string(b)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schedule_steps SET status = $2, message = $3, request_id = $4, intent_seq = $5,
		applied = $6, before_values = $7, flagged = $8, due_at_us = $9, attempt = $10, updated_at_us = $11 WHERE id = $1`,
		st.ID, st.Status, st.Message, st.RequestID, st.IntentSeq, formJSON(st.Applied), formJSON(st.Before),
		flagsJSON(st.Flags), micros(st.DueAt), att, now); err != nil {
		return fmt.Errorf("schedule: finish step %d: %w", st.ID, err)
	}
	if st.Kind == KindApply && st.Status != StepUpcoming {
		if len(st.Applied) > 0 {
			_, err = tx.ExecContext(ctx, `UPDATE schedule_steps SET fields = $4, expected = $5, updated_at_us = $6
				WHERE schedule_id = $1 AND room_id = $2 AND kind = $3 AND status = 'upcoming'`,
				st.ScheduleID, st.RoomID, KindRevert, formJSON(st.Before), formJSON(st.Applied), now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE schedule_steps SET status = 'skipped', updated_at_us = $4,
				message = 'Nothing to revert: the change set nothing in this room.'
				WHERE schedule_id = $1 AND room_id = $2 AND kind = $3 AND status = 'upcoming'`,
				st.ScheduleID, st.RoomID, KindRevert, now)
		}
		if err != nil {
			return fmt.Errorf("schedule: finish step %d: revert: %w", st.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("schedule: finish step %d: %w", st.ID, err)
	}
	s.opts.Logger.Info("schedule: step ran", "schedule", Key(st.ScheduleID), "room", st.RoomID, "kind", st.Kind, "status", st.Status)
	return nil
}

// recordSkip records a field skipped because it changed since scheduling.
func (s *Service) recordSkip(ctx context.Context, actor audit.Actor, sc Schedule, st Step, f Flag) {
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionScheduleSkip, Outcome: audit.OutcomeOK,
		App: s.opts.App, RoomID: st.RoomID}
	e.SetActor(actor)
	e.Detail = fmt.Sprintf("%s: %s not %s: it changed since it was scheduled (expected %q, found %q)",
		actor.Note, f.Field, map[string]string{KindApply: "applied", KindRevert: "reverted"}[st.Kind], f.Expected, f.Found)
	s.appendEvent(ctx, &e)
}

func flagsJSON(f []Flag) string {
	if len(f) == 0 {
		return ""
	}
	b, _ := json.Marshal(f)
	return string(b)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
