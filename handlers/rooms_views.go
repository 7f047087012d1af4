package handlers

import (
	"context"
	"time"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// The room pages take view models: the Tencent client's wire types and the
// use case's types stop here, so no view imports internal/rooms or
// internal/tencent.

func roomView(r tencent.RoomInfo) roomsview.Room {
	v := roomsview.Room{ID: r.RoomId, Name: r.RoomName, Owner: r.OwnerAccount.String(), Type: r.RoomType,
		Views: r.ViewCount, SeatsEnabled: r.IsSeatEnabled, Seats: r.MaxSeatCount, SeatMode: string(r.TakeSeatMode),
		MaxMembers: r.MaxMemberCount, Muted: bool(r.IsMessageDisabled), Listed: r.IsPublicVisible,
		Categories: r.Category, ActivityStatus: r.ActivityStatus, CoverURL: r.CoverURL, Notice: r.Notice}
	if r.CreateTime > 0 {
		v.Created = time.Unix(r.CreateTime, 0).UTC()
	}
	return v
}

func roomViews(rs []tencent.RoomInfo) []roomsview.Room {
	out := make([]roomsview.Room, len(rs))
	for i, r := range rs {
		out[i] = roomView(r)
	}
	return out
}

// editFields is the edit form: every field of the table, showing values,
// carrying original as its orig_* inputs, with its error if any.
func editFields(ctx context.Context, values, original rooms.Form, probs rooms.Problems) []roomsview.Field {
	errs := problemTexts(ctx, probs)
	out := make([]roomsview.Field, 0, len(rooms.Fields))
	for _, name := range rooms.Fields {
		f := roomsview.Field{Name: name, Label: fieldLabel(ctx, name), Value: values.Get(name), Checked: values.Bool(name),
			Original: original[name], OrigName: rooms.OriginalPrefix + name, Error: errs[name], Limit: rooms.Limit(name)}
		if name == rooms.FieldCategory {
			slots := values.Category()
			f.Slots = slots[:]
		}
		out = append(out, f)
	}
	return out
}

func resultView(ctx context.Context, r rooms.Result) *roomsview.Result {
	v := &roomsview.Result{Outcome: r.Outcome, Message: resultMessage(ctx, r), Warning: r.Warning, ErrorCode: r.ErrorCode,
		Meaning: meaningText(ctx, r.ErrorCode), ErrorInfo: r.ErrorInfo, RequestID: r.RequestID, Attempts: r.Attempts,
		Latency: r.Latency, AuditSeq: r.IntentSeq}
	for _, c := range r.Changes {
		v.Changes = append(v.Changes, roomsview.Change{Field: c.Field, Label: fieldLabel(ctx, c.Field), Before: c.Before, After: c.After})
	}
	return v
}

func conflictView(ctx context.Context, e *rooms.ConflictError) *roomsview.Conflict {
	v := &roomsview.Conflict{RoomID: e.RoomID}
	for _, c := range e.Conflicts {
		v.Fields = append(v.Fields, roomsview.ConflictField{Field: c.Field, Label: fieldLabel(ctx, c.Field),
			Original: c.Original, Theirs: c.Theirs, Yours: c.Yours})
	}
	return v
}
