package history

import (
	"context"
	"errors"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// Updater is the one edit path: the *rooms.Service of the entry's app.
type Updater interface {
	Update(ctx context.Context, actor audit.Actor, roomID string, submitted, original rooms.Form) (rooms.Result, error)
}

// ErrNotRevertable is an entry that is not a change roomdesk can undo: not
// a room update that went through (or a change seen made outside), or one
// with no field to set back.
var ErrNotRevertable = errors.New("history: this entry is not a change that can be reverted")

// Revert is a change and how to undo it.
type Revert struct {
	Record audit.Record // the change
	Fields []string     // the fields it touched, in form order
	Before rooms.Form   // their values before it: what the revert sets
	After  rooms.Form   // the values it set: what the room must still hold
}

// Note is what the revert's own audit entry says about it.
func (rv Revert) Note() string { return fmt.Sprintf("reverts #%d", rv.Record.Entry.Seq) }

// Revertable reports whether a record is a change that can be reverted: a
// room update whose outcome is ok, or a change seen made outside roomdesk.
func Revertable(r audit.Record) bool {
	if r.Entry.RoomID == "" || len(r.Entry.Changes) == 0 {
		return false
	}
	switch {
	case r.Entry.Kind == audit.KindIntent && r.Entry.Action == audit.ActionRoomUpdate:
		return r.Outcome() == audit.OutcomeOK
	case r.Entry.Kind == audit.KindEvent && r.Entry.Action == audit.ActionChangedOutside:
		return r.Entry.Outcome == audit.OutcomeOK
	}
	return false
}

// PlanRevert reads entry seq (any row of its record) of app and says how
// to revert it. ErrNotFound when there is no such entry in app,
// ErrNotRevertable when it is not a change.
func (s *Service) PlanRevert(ctx context.Context, app string, seq int64) (Revert, error) {
	rec, err := s.opts.Log.Get(ctx, seq)
	if errors.Is(err, audit.ErrNotFound) {
		return Revert{}, ErrNotFound
	}
	if err != nil {
		return Revert{}, fmt.Errorf("history: revert #%d: %w", seq, err)
	}
	if !s.ofApp(rec.Entry.App, app) {
		return Revert{}, ErrNotFound
	}
	return planOf(rec)
}

func planOf(rec audit.Record) (Revert, error) {
	if !Revertable(rec) {
		return Revert{}, ErrNotRevertable
	}
	rv := Revert{Record: rec, Before: rooms.Form{}, After: rooms.Form{}}
	touched := map[string]audit.Change{}
	for _, c := range rec.Entry.Changes {
		touched[c.Field] = c
	}
	for _, f := range rooms.Fields {
		c, ok := touched[f]
		if !ok {
			continue
		}
		before, err1 := rooms.FormValues(f, c.Before)
		after, err2 := rooms.FormValues(f, c.After)
		if err1 != nil || err2 != nil {
			continue // a value roomdesk cannot put back; the others still can be
		}
		rv.Fields = append(rv.Fields, f)
		rv.Before[f], rv.After[f] = before, after
	}
	if len(rv.Fields) == 0 {
		return Revert{}, ErrNotRevertable
	}
	return rv, nil
}

// Apply saves a revert through the one edit path: the posted values of the
// fields the change touched (the form pre-filled with rv.Before) against
// the posted orig_* values (rv.After when absent), so a field changed since
// the change is a conflict, never silently overwritten. Other fields are
// not sent. The new entry says "reverts #N"; once sent (outcome ok or
// unknown), the link is kept so both entries show it.
func (s *Service) Apply(ctx context.Context, up Updater, actor audit.Actor, rv Revert, posted, postedOrig rooms.Form) (rooms.Result, error) {
	submitted, original := rooms.Form{}, rooms.Form{}
	for _, f := range rv.Fields {
		if posted.Has(f) {
			submitted[f] = posted[f]
		}
		original[f] = rv.After[f]
		if postedOrig.Has(f) {
			original[f] = postedOrig[f]
		}
	}
	actor.Note = rv.Note()
	res, err := up.Update(ctx, actor, rv.Record.Entry.RoomID, submitted, original)
	if err != nil || res.IntentSeq == 0 || res.Outcome == audit.OutcomeFailed {
		return res, err
	}
	if lerr := s.link(context.WithoutCancel(ctx), res.IntentSeq, rv.Record.Entry.Seq, rv.Record.Entry.App); lerr != nil {
		// The entry itself says what it reverts; only the link is missing.
		s.opts.Logger.Error("history: revert link not stored", "revert_seq", res.IntentSeq,
			"original_seq", rv.Record.Entry.Seq, "err", lerr)
	}
	return res, nil
}

func (s *Service) link(ctx context.Context, revertSeq, originalSeq int64, app string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO history_reverts (revert_seq, original_seq, app, created_at_us)
		VALUES ($1, $2, $3, $4) ON CONFLICT (revert_seq) DO NOTHING`, revertSeq, originalSeq, app, s.opts.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("history: link revert #%d to #%d: %w", revertSeq, originalSeq, err)
	}
	return nil
}
