package rooms

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// OutcomeNothing is an edit that sent nothing because nothing differed.
// The other outcomes are audit's: OutcomeOK, OutcomeFailed, OutcomeUnknown.
const OutcomeNothing = "nothing"

// Change is one field's value before and after, as the operator reads it.
type Change struct {
	Field  string
	Before string
	After  string
}

// Result is what an edit came to.
type Result struct {
	Outcome   string // audit.OutcomeOK, audit.OutcomeFailed, audit.OutcomeUnknown or OutcomeNothing
	Message   string // one sentence for the operator
	Changes   []Change
	RequestID string
	ErrorCode int
	Meaning   string // Tencent's ErrorCode explained
	ErrorInfo string
	Attempts  int
	Latency   time.Duration
	IntentSeq int64 // the audit entry; 0 when nothing was sent
	// Room is the room as it now stands (after OK: as read plus the
	// change), or as last read; nil when it was not read.
	Room *tencent.RoomInfo
	// Form and Original are what the edit form shows next and carries as
	// its orig_* values.
	Form     Form
	Original Form
	Warning  string // the result could not be audited
}

// Update applies the fields the operator changed (submitted differs from
// original, the values the form was rendered with) to the room. Errors:
// *ValidationError and *ConflictError (nothing sent), ErrRoomNotFound and
// tencent.ErrUnreachable from re-reading the room (nothing sent),
// ErrAuditUnavailable (intent not recorded, nothing sent). Once Tencent is
// called, every outcome, refusals and timeouts included, is a Result.
func (s *Service) Update(ctx context.Context, actor audit.Actor, roomID string, submitted, original Form) (Result, error) {
	return s.UpdateWhile(ctx, actor, roomID, submitted, original, nil)
}

// UpdateWhile is Update, and once Tencent has answered it calls meanwhile,
// on a goroutine of its own, with the result as it reads when its audit
// row is written, while that row is being written: the row's disk sync is
// most of an edit's own time, and the console renders its answer in it
// (docs/BENCHMARKS.md). UpdateWhile returns after both, with the final
// result; it differs from meanwhile's only when the row could not be
// written (Warning is then set). meanwhile must only read its Result.
func (s *Service) UpdateWhile(ctx context.Context, actor audit.Actor, roomID string, submitted, original Form, meanwhile func(Result)) (Result, error) {
	if p := CheckRoomID(roomID); !p.OK() {
		return Result{}, newValidationError(Problems{FieldRoomID: p})
	}
	changed, errs := diff(submitted, original)
	if len(errs) > 0 {
		return Result{}, newValidationError(errs)
	}
	if len(changed) == 0 {
		return Result{Outcome: OutcomeNothing, Form: submitted, Original: original,
			Message: "Nothing to update: no field differs from the room as it was when you opened it."}, nil
	}
	room, readMeta, err := s.tc.GetRoomInfo(ctx, roomID)
	if err != nil {
		// Nothing was sent, but the attempt is on record, with the code
		// and RequestId of the read that stopped it.
		s.recordRefusedRead(ctx, actor, roomID, submitted, changed, readMeta, err)
		return Result{}, fmt.Errorf("rooms: update %q: re-reading the room: %w", roomID, notFound(err))
	}
	s.observe(ctx, room, SeenRead)
	current := FormFromRoom(room)
	send, conflicts := plan(changed, submitted, original, current)
	if len(conflicts) > 0 {
		return Result{}, &ConflictError{RoomID: roomID, Conflicts: conflicts, Room: room,
			Form: merge(current, submitted, changed), Original: current}
	}
	if len(send) == 0 {
		return Result{Outcome: OutcomeNothing, Room: &room, Form: current, Original: current,
			Message: "Nothing to send: the room already has these values (someone made the same change)."}, nil
	}
	return s.send(ctx, actor, room, submitted, send, meanwhile)
}

// diff returns the valid fields whose value differs from the original, or
// the errors of the fields that are invalid. A field left exactly as it was
// rendered is never an error: a value set elsewhere that breaks our rules
// (duplicate categories, say) must not block editing the other fields, and
// it is not sent.
func diff(submitted, original Form) ([]string, Problems) {
	_, errs := ValidateProblems(submitted)
	var changed []string
	for _, f := range Fields {
		if !submitted.Has(f) {
			continue
		}
		sub, _ := canonical(f, submitted[f])
		orig, _ := canonical(f, original[f])
		if !original.Has(f) {
			orig = "\x00absent"
		}
		if sub == orig {
			delete(errs, f)
			continue
		}
		if _, bad := errs[f]; !bad {
			changed = append(changed, f)
		}
	}
	return changed, errs
}

// plan splits the changed fields into those to send and those someone else
// changed since the form was opened. A field that already holds the
// operator's value is neither: there is nothing to send for it.
func plan(changed []string, submitted, original, current Form) ([]string, []Conflict) {
	var send []string
	var conflicts []Conflict
	for _, f := range changed {
		sub, _ := canonical(f, submitted[f])
		cur, _ := canonical(f, current[f])
		orig, _ := canonical(f, original[f])
		if !original.Has(f) { // no orig_* (not our form): nothing to hold it against
			orig = cur
		}
		switch {
		case cur == sub:
		case cur != orig:
			conflicts = append(conflicts, Conflict{Field: f,
				Original: display(f, original[f]), Theirs: display(f, current[f]), Yours: display(f, submitted[f])})
		default:
			send = append(send, f)
		}
	}
	return send, conflicts
}

// send records the intent, calls Tencent and records the result.
func (s *Service) send(ctx context.Context, actor audit.Actor, room tencent.RoomInfo, submitted Form, fields []string, meanwhile func(Result)) (Result, error) {
	only := Form{}
	for _, f := range fields {
		only[f] = submitted[f]
	}
	u, _ := Validate(only)
	u.RoomId = room.RoomId
	// The same encoding the client uses, so the intent holds the exact body.
	body, err := json.Marshal(struct {
		RoomInfo tencent.RoomUpdate `json:"RoomInfo"`
	}{u})
	if err != nil {
		return Result{}, fmt.Errorf("rooms: update %q: encoding: %w", room.RoomId, err)
	}
	intent := audit.Entry{Kind: audit.KindIntent, Action: audit.ActionRoomUpdate, RoomID: room.RoomId, App: s.opts.App,
		Changes: auditChanges(fields, room, only), RequestBody: string(body), Outcome: audit.OutcomePending}
	intent.SetActor(actor)
	if err := s.log.Append(ctx, &intent); err != nil {
		s.audited(audit.KindIntent, false)
		return Result{}, fmt.Errorf("rooms: update %q: %w: %w", room.RoomId, ErrAuditUnavailable, err)
	}
	s.audited(audit.KindIntent, true)
	// Once the intent is written the call and its result row must complete
	// even if the browser goes away, or the log would say "unknown" for an
	// answer we actually had.
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.CallTimeout)
	defer cancel()
	meta, callErr := s.tc.UpdateRoomInfo(callCtx, u)
	s.invalidate()
	res := classify(meta, callErr)
	res.IntentSeq = intent.Seq
	res.Changes = changes(fields, FormFromRoom(room), only)
	s.settle(&res, room, u, submitted, fields)
	var rendering sync.WaitGroup
	if meanwhile != nil {
		early := res // a copy: recordResult may yet set res.Warning
		rendering.Go(func() { meanwhile(early) })
	}
	told := s.recordResult(callCtx, intent, meta, callErr, &res)
	rendering.Wait()
	if !told && res.Outcome == audit.OutcomeOK {
		s.observe(callCtx, *res.Room, SeenUpdate)
	}
	return res, nil
}

// recordResult appends the result row (after OK, with the room's new
// state: see appendResult, whose told it returns). When that fails the
// operator still gets Tencent's answer, with a warning, and the whole row
// goes to the log so nothing is lost; the intent alone already reads as
// "outcome unknown".
func (s *Service) recordResult(ctx context.Context, intent audit.Entry, meta tencent.Meta, callErr error, res *Result) (told bool) {
	e := audit.Entry{Kind: audit.KindResult, IntentSeq: intent.Seq, Action: intent.Action, RoomID: intent.RoomID, App: intent.App,
		Changes: intent.Changes, RequestBody: intent.RequestBody, ResponseBody: string(meta.ResponseBody),
		ActionStatus: meta.ActionStatus, ErrorCode: res.ErrorCode, ErrorInfo: res.ErrorInfo,
		RequestID: res.RequestID, Outcome: res.Outcome, Attempts: meta.Attempts, LatencyMS: meta.Latency.Milliseconds()}
	e.SetActor(intent.Who())
	if len(meta.RequestBody) > 0 {
		e.RequestBody = string(meta.RequestBody)
	}
	if callErr != nil && res.Outcome != audit.OutcomeFailed {
		e.Detail = callErr.Error() // already redacted by the client
	}
	// Tencent has answered: not even the call's timeout may cut the
	// answer's entry short (the edit would read "outcome unknown"), and a
	// context that never ends spares the SQLite driver a watcher goroutine
	// per statement.
	var set *tencent.RoomInfo
	if res.Outcome == audit.OutcomeOK {
		set = res.Room
	}
	told, err := s.appendResult(context.WithoutCancel(ctx), &e, set)
	if err != nil {
		s.audited(audit.KindResult, false)
		res.Warning = fmt.Sprintf("Tencent's answer is shown below, but it could not be written to the audit log, "+
			"so entry #%d reads as \"outcome unknown\". Tell your admin.", intent.Seq)
		s.opts.Logger.Error("rooms: audit result append failed; result follows", "err", err,
			"intent_seq", e.IntentSeq, "room_id", e.RoomID, "actor", e.Actor, "outcome", e.Outcome,
			"action_status", e.ActionStatus, "error_code", e.ErrorCode, "error_info", e.ErrorInfo,
			"request_id", e.RequestID, "attempts", e.Attempts, "latency_ms", e.LatencyMS,
			"request_body", e.RequestBody, "response_body", e.ResponseBody, "detail", e.Detail)
		return false
	}
	s.audited(audit.KindResult, true)
	return told
}

// settle fills in the room and form the operator sees next. After OK the
// form shows the new state (Tencent has set exactly what we sent), so a
// second edit starts clean. Otherwise the operator's values stay in the
// inputs over the last state read, ready to try again.
func (s *Service) settle(res *Result, room tencent.RoomInfo, sent tencent.RoomUpdate, submitted Form, fields []string) {
	if res.Outcome == audit.OutcomeOK {
		room = apply(room, sent)
		res.Form = FormFromRoom(room)
	} else {
		res.Form = merge(FormFromRoom(room), submitted, fields)
	}
	res.Room = &room
	res.Original = FormFromRoom(room)
}

// auditChanges holds before (the room as just read) and after (what is
// sent) as JSON text, the form audit.Change documents.
func auditChanges(fields []string, room tencent.RoomInfo, only Form) []audit.Change {
	out := make([]audit.Change, 0, len(fields))
	for _, name := range fields {
		f, _ := lookup(name)
		after, _ := canonical(name, only[name])
		out = append(out, audit.Change{Field: name, Before: jsonText(f.read(room)), After: after})
	}
	return out
}

func changes(fields []string, before, after Form) []Change {
	out := make([]Change, 0, len(fields))
	for _, f := range fields {
		out = append(out, Change{Field: f, Before: display(f, before[f]), After: display(f, after[f])})
	}
	return out
}

// display is a field's value as the operator reads it.
func display(name string, vals []string) string {
	v, p := parse(name, vals)
	if !p.OK() {
		return strings.Join(vals, ", ")
	}
	return strings.Join(formValues(v), ", ")
}
