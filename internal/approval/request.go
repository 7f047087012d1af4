package approval

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// FieldChange is one field of a room request: the values the requester
// saw (Before, the edit form's orig_*) and asked for (After), as form values.
type FieldChange struct {
	Field  string   `json:"field"`
	Before []string `json:"before"`
	After  []string `json:"after"`
}

// Request is one change request.
type Request struct {
	ID            int64
	App           string
	Kind          string
	RoomID        string // KindRoom
	RoomCount     int
	Changes       []FieldChange // KindRoom: the fields; KindBulk: the job's common fields (After only)
	Plan          string        // KindBulk: the job's plan (JSON)
	Reason        string
	RequestedBy   string
	RequestedRole string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	Status        string
	DecidedBy     string
	DecidedAt     time.Time
	Comment       string
	// After approval: what the change came to (the update's outcome, or
	// "started" for a job), in words, with Tencent's RequestId or the job.
	Outcome          string
	Message          string
	TencentRequestID string
	JobID            int64
}

// Ref is the request's name for people ("R-12").
func (r Request) Ref() string { return Ref(r.ID) }

// Forms are the request's fields as the edit use case takes them.
func (r Request) Forms() (submitted, original rooms.Form) {
	submitted, original = rooms.Form{}, rooms.Form{}
	for _, c := range r.Changes {
		submitted[c.Field], original[c.Field] = c.After, c.Before
	}
	return submitted, original
}

// Fields are the names of the fields the request changes.
func (r Request) Fields() []string {
	out := make([]string, len(r.Changes))
	for i, c := range r.Changes {
		out[i] = c.Field
	}
	return out
}

// Link is one audit entry of a request.
type Link struct {
	Seq  int64
	Step string
}

// RoomChange is what an operator asked for on one room.
type RoomChange struct {
	App       string
	RoomID    string
	Submitted rooms.Form // as posted
	Original  rooms.Form // the orig_* values: what the operator saw
	Reason    string
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", &InputError{Code: CodeReasonRequired, Message: "a reason is required: say why this change is needed, for the person who approves it"}
	case len(reason) > MaxReason || !utf8.ValidString(reason):
		return "", &InputError{Code: CodeReasonTooLong, Message: fmt.Sprintf("the reason is too long (at most %d bytes)", MaxReason)}
	}
	return reason, nil
}

// CreateRoom stores a request for the fields the operator changed (all of
// them, guarded or not: the change goes through as one) and audits it
// (request.create). Invalid or unchanged fields are the edit use case's
// *rooms.ValidationError, a missing reason an *InputError.
func (s *Service) CreateRoom(ctx context.Context, actor audit.Actor, ch RoomChange) (Request, error) {
	if msg := rooms.ValidateRoomID(ch.RoomID); msg != "" {
		return Request{}, &rooms.ValidationError{Fields: rooms.FieldErrors{rooms.FieldRoomID: msg}}
	}
	changed, errs := rooms.Changed(ch.Submitted, ch.Original)
	if len(errs) > 0 {
		return Request{}, &rooms.ValidationError{Fields: errs}
	}
	if len(changed) == 0 {
		return Request{}, &InputError{Code: CodeNothingToAsk, Message: "nothing to request: no field differs from the room as it was when you opened it"}
	}
	reason, err := checkReason(ch.Reason)
	if err != nil {
		return Request{}, err
	}
	r := Request{App: ch.App, Kind: KindRoom, RoomID: ch.RoomID, RoomCount: 1, Reason: reason}
	for _, f := range changed {
		r.Changes = append(r.Changes, FieldChange{Field: f, Before: ch.Original[f], After: ch.Submitted[f]})
	}
	return s.create(ctx, actor, r)
}

// CreateJob stores a request to run a bulk job and audits it.
func (s *Service) CreateJob(ctx context.Context, actor audit.Actor, app string, plan bulk.Plan, reason string) (Request, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return Request{}, err
	}
	body, err := json.Marshal(plan)
	if err != nil {
		return Request{}, fmt.Errorf("approval: encode plan: %w", err)
	}
	r := Request{App: app, Kind: KindBulk, RoomCount: len(plan.Rows), Plan: string(body), Reason: reason}
	for _, f := range rooms.Fields {
		if plan.Common.Has(f) {
			r.Changes = append(r.Changes, FieldChange{Field: f, After: plan.Common[f]})
		}
	}
	return s.create(ctx, actor, r)
}

func (s *Service) create(ctx context.Context, actor audit.Actor, r Request) (Request, error) {
	p, err := s.Policy(ctx, r.App)
	if err != nil {
		return Request{}, err
	}
	now := s.opts.Now().UTC()
	r.RequestedBy, r.RequestedRole, r.CreatedAt, r.ExpiresAt, r.Status =
		actor.Name, actor.Role, now, now.Add(p.ExpiryOrDefault()), StatusPending
	changes, err := json.Marshal(r.Changes)
	if err != nil {
		return Request{}, fmt.Errorf("approval: encode changes: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `INSERT INTO approval_requests (app, kind, room_id, room_count, changes, plan, reason,
		requested_by, requested_role, created_at_us, expires_at_us, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		r.App, r.Kind, r.RoomID, r.RoomCount, string(changes), r.Plan, r.Reason,
		r.RequestedBy, r.RequestedRole, micros(r.CreatedAt), micros(r.ExpiresAt), r.Status).Scan(&r.ID)
	if err != nil {
		return Request{}, fmt.Errorf("approval: create: %w", err)
	}
	e := s.entry(actor, r, audit.ActionRequestCreate, audit.OutcomeOK,
		fmt.Sprintf("%s: %s; reason: %s", r.Ref(), r.Summary(), r.Reason))
	for _, c := range r.Changes {
		e.Changes = append(e.Changes, audit.Change{Field: c.Field,
			Before: jsonString(rooms.DisplayValues(c.Field, c.Before)), After: jsonString(rooms.DisplayValues(c.Field, c.After))})
	}
	if err := s.record(ctx, r.ID, StepCreate, &e); err != nil {
		// Unaudited, the request must not stand: take it back.
		_, _ = s.db.ExecContext(context.WithoutCancel(ctx), `UPDATE approval_requests SET status = $1, message = $2 WHERE id = $3`,
			StatusCancelled, "could not be written to the audit log", r.ID)
		return Request{}, err
	}
	return r, nil
}

// Summary is the request in a few words ("IsPublicVisible on live_1001",
// "bulk job of 250 rooms: RoomName").
func (r Request) Summary() string {
	if r.Kind == KindBulk {
		return fmt.Sprintf("bulk job of %d rooms: %s", r.RoomCount, strings.Join(r.Fields(), ", "))
	}
	return fmt.Sprintf("%s on %s", strings.Join(r.Fields(), ", "), r.RoomID)
}

// entry is an event about r, by actor.
func (s *Service) entry(actor audit.Actor, r Request, action, outcome, detail string) audit.Entry {
	e := audit.Entry{Kind: audit.KindEvent, Action: action, Outcome: outcome, App: r.App, RoomID: r.RoomID}
	e.SetActor(actor)
	e.Detail = safetext.Clip(detail, 2*safetext.DefaultMax)
	return e
}

// record appends e and links it to request id as step.
func (s *Service) record(ctx context.Context, id int64, step string, e *audit.Entry) error {
	if err := s.log.Append(ctx, e); err != nil {
		return fmt.Errorf("approval: audit %s of %s: %w", step, Ref(id), err)
	}
	return s.link(ctx, id, e.Seq, step)
}

func (s *Service) link(ctx context.Context, id, seq int64, step string) error {
	_, err := s.db.ExecContext(context.WithoutCancel(ctx),
		`INSERT INTO approval_links (request_id, seq, step) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, id, seq, step)
	if err != nil {
		return fmt.Errorf("approval: link #%d to %s: %w", seq, Ref(id), err)
	}
	return nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

const requestColumns = `id, app, kind, room_id, room_count, changes, plan, reason, requested_by, requested_role,
	created_at_us, expires_at_us, status, decided_by, decided_at_us, comment, outcome, message, tencent_request_id, job_id`

type scanner interface{ Scan(dest ...any) error }

func scanRequest(row scanner) (Request, error) {
	var r Request
	var changes string
	var created, expires, decided int64
	err := row.Scan(&r.ID, &r.App, &r.Kind, &r.RoomID, &r.RoomCount, &changes, &r.Plan, &r.Reason, &r.RequestedBy,
		&r.RequestedRole, &created, &expires, &r.Status, &r.DecidedBy, &decided, &r.Comment, &r.Outcome, &r.Message,
		&r.TencentRequestID, &r.JobID)
	if err != nil {
		return Request{}, err
	}
	if err := json.Unmarshal([]byte(changes), &r.Changes); err != nil {
		return Request{}, fmt.Errorf("approval: %s: changes: %w", Ref(r.ID), err)
	}
	r.CreatedAt, r.ExpiresAt, r.DecidedAt = fromMicros(created), fromMicros(expires), fromMicros(decided)
	return r, nil
}

// Get reads a request of app.
func (s *Service) Get(ctx context.Context, app string, id int64) (Request, error) {
	r, err := scanRequest(s.db.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM approval_requests WHERE id = $1 AND app = $2`, id, app))
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, ErrNotFound
	}
	if err != nil {
		return Request{}, fmt.Errorf("approval: get %s: %w", Ref(id), err)
	}
	return r, nil
}

// Filter selects requests of one app. Zero fields match everything.
type Filter struct {
	App         string
	Status      string
	RequestedBy string
	RoomID      string
}

// List returns up to limit requests matching f, newest first.
func (s *Service) List(ctx context.Context, f Filter, limit int) ([]Request, error) {
	q := `WHERE app = $1`
	args := []any{f.App}
	add := func(col, v string) {
		if v != "" {
			args = append(args, v)
			q += fmt.Sprintf(" AND %s = $%d", col, len(args))
		}
	}
	add("status", f.Status)
	add("requested_by", f.RequestedBy)
	add("room_id", f.RoomID)
	args = append(args, limit)
	q += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	out, err := s.requests(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("approval: list: %w", err)
	}
	return out, nil
}

// requests reads the requests a WHERE clause (and its ORDER and LIMIT)
// picks: List's page and the sweeper's passes.
func (s *Service) requests(ctx context.Context, where string, args ...any) ([]Request, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM approval_requests `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Links are a request's audit entries, oldest first.
func (s *Service) Links(ctx context.Context, id int64) ([]Link, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, step FROM approval_links WHERE request_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("approval: links of %s: %w", Ref(id), err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		var l Link
		if err := rows.Scan(&l.Seq, &l.Step); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// RequestOf is the request an audit entry belongs to, with its app and
// the entry's step (ok false when it belongs to none).
func (s *Service) RequestOf(ctx context.Context, seq int64) (id int64, app, step string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT l.request_id, r.app, l.step FROM approval_links l
		JOIN approval_requests r ON r.id = l.request_id WHERE l.seq = $1 ORDER BY l.request_id LIMIT 1`, seq).Scan(&id, &app, &step)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", "", false, nil
	}
	if err != nil {
		return 0, "", "", false, fmt.Errorf("approval: request of #%d: %w", seq, err)
	}
	return id, app, step, true, nil
}
