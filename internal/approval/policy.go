package approval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// Policy is what needs a second person in one app. The zero Policy (no
// row stored) needs approval for nothing.
type Policy struct {
	App       string
	Fields    []string // room fields (update_room_info names), in rooms.Fields order
	BulkAbove int      // a bulk job of more rooms than this needs approval; 0: none does
	Expiry    time.Duration
	UpdatedAt time.Time
	UpdatedBy string
}

// MaxExpiry bounds how long a request may wait.
const MaxExpiry = 30 * 24 * time.Hour

// Guards reports whether a change of field needs approval.
func (p Policy) Guards(field string) bool { return slices.Contains(p.Fields, field) }

// Guarded is the fields among changed that need approval.
func (p Policy) Guarded(changed []string) []string {
	var out []string
	for _, f := range changed {
		if p.Guards(f) {
			out = append(out, f)
		}
	}
	return out
}

// BulkNeedsApproval reports whether a bulk job of n rooms needs approval.
func (p Policy) BulkNeedsApproval(n int) bool { return p.BulkAbove > 0 && n > p.BulkAbove }

// ExpiryOrDefault is how long a new request waits.
func (p Policy) ExpiryOrDefault() time.Duration {
	if p.Expiry <= 0 {
		return DefaultExpiry
	}
	return p.Expiry
}

// Describe is the policy in words, for its audit entry.
func (p Policy) Describe() string {
	fields := "none"
	if len(p.Fields) > 0 {
		fields = strings.Join(p.Fields, ",")
	}
	bulk := "never"
	if p.BulkAbove > 0 {
		bulk = "above " + strconv.Itoa(p.BulkAbove) + " rooms"
	}
	return fmt.Sprintf("fields %s; bulk jobs %s; expiry %s", fields, bulk, p.ExpiryOrDefault())
}

// Policy reads an app's policy (the zero Policy when none was ever set).
func (s *Service) Policy(ctx context.Context, app string) (Policy, error) {
	p := Policy{App: app, Expiry: DefaultExpiry}
	var fields string
	var minutes int
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT fields, bulk_above, expiry_minutes, updated_at_us, updated_by
		FROM approval_policies WHERE app = $1`, app).Scan(&fields, &p.BulkAbove, &minutes, &at, &p.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return Policy{}, fmt.Errorf("approval: policy %q: %w", app, err)
	}
	p.Fields = splitFields(fields)
	p.Expiry, p.UpdatedAt = time.Duration(minutes)*time.Minute, fromMicros(at)
	return p, nil
}

func splitFields(s string) []string {
	var out []string
	for _, f := range rooms.Fields { // known fields only, in form order
		if slices.Contains(strings.Split(s, ","), f) {
			out = append(out, f)
		}
	}
	return out
}

// SetPolicy stores an app's policy and audits it (settings.policy, before
// → after) when it changed. Unknown fields, a negative room count or an
// expiry outside 1 minute..30 days are an *InputError.
func (s *Service) SetPolicy(ctx context.Context, actor audit.Actor, p Policy) (Policy, error) {
	for _, f := range p.Fields {
		if !slices.Contains(rooms.Fields, f) {
			return Policy{}, &InputError{Code: CodePolicyInvalid, Message: fmt.Sprintf("%q is not a room field", f)}
		}
	}
	if p.BulkAbove < 0 {
		return Policy{}, &InputError{Code: CodePolicyInvalid, Message: "the number of rooms must be 0 (no approval) or more"}
	}
	if p.Expiry < time.Minute || p.Expiry > MaxExpiry {
		return Policy{}, &InputError{Code: CodePolicyInvalid, Message: "a request must wait between 1 minute and 30 days"}
	}
	p.Expiry = p.Expiry.Truncate(time.Minute)
	before, err := s.Policy(ctx, p.App)
	if err != nil {
		return Policy{}, err
	}
	p.Fields = splitFields(strings.Join(p.Fields, ","))
	if before.Describe() == p.Describe() {
		return before, nil
	}
	p.UpdatedAt, p.UpdatedBy = s.opts.Now().UTC(), actor.Name
	// Audited first: an unrecorded change must not happen.
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionSettingsPolicy, Outcome: audit.OutcomeOK, App: p.App,
		Changes: []audit.Change{{Field: "policy", Before: jsonString(before.Describe()), After: jsonString(p.Describe())}}}
	e.SetActor(actor)
	e.Detail = "approval policy: " + before.Describe() + " → " + p.Describe()
	if err := s.log.Append(ctx, &e); err != nil {
		return Policy{}, fmt.Errorf("approval: audit policy change: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO approval_policies (app, fields, bulk_above, expiry_minutes, updated_at_us, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (app) DO UPDATE SET fields = excluded.fields, bulk_above = excluded.bulk_above,
			expiry_minutes = excluded.expiry_minutes, updated_at_us = excluded.updated_at_us, updated_by = excluded.updated_by`,
		p.App, strings.Join(p.Fields, ","), p.BulkAbove, int(p.Expiry/time.Minute), micros(p.UpdatedAt), p.UpdatedBy)
	if err != nil {
		return Policy{}, fmt.Errorf("approval: set policy %q: %w", p.App, err)
	}
	return p, nil
}
