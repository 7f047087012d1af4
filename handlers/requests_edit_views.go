package handlers

import (
	"context"
	"errors"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/auditview"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// approvalMessage says why the approval service refused, in the reader's
// language ("" for an error that is not a refusal).
func approvalMessage(ctx context.Context, err error) string {
	var de *approval.DecidedError
	var ie *approval.InputError
	switch {
	case errors.Is(err, approval.ErrSelfApproval):
		return i18n.T(ctx, "approval.ErrSelfApproval")
	case errors.Is(err, approval.ErrExpired):
		return i18n.T(ctx, "approval.ErrExpired")
	case errors.Is(err, approval.ErrNotRequester):
		return i18n.T(ctx, "approval.ErrNotRequester")
	case errors.As(err, &de):
		return i18n.Tf(ctx, "approval.ErrDecided", map[string]any{"Ref": de.Ref, "Status": statusLabel(ctx, de.Status)})
	case errors.As(err, &ie):
		id, ok := map[string]string{
			approval.CodeReasonRequired: "approval.ErrReasonRequired", approval.CodeReasonTooLong: "approval.ErrReasonTooLong",
			approval.CodeCommentTooLong: "approval.ErrCommentTooLong", approval.CodeNothingToAsk: "approval.ErrNothingToRequest",
			approval.CodePolicyInvalid: "approval.ErrPolicyInvalid",
		}[ie.Code]
		if !ok {
			return ie.Message
		}
		limit := approval.MaxReason
		if ie.Code == approval.CodeCommentTooLong {
			limit = approval.MaxComment
		}
		return i18n.Tf(ctx, id, map[string]any{"Max": limit})
	}
	return ""
}

// entryRequest is the request an audit entry is a step of, for its page.
func (h *Handlers) entryRequest(ctx context.Context, seq int64) (*auditview.RequestLink, error) {
	if h.Approvals == nil {
		return nil, nil
	}
	id, app, step, ok, err := h.Approvals.RequestOf(ctx, seq)
	if err != nil || !ok {
		return nil, err
	}
	return &auditview.RequestLink{Ref: approval.Ref(id), URL: requestURL(h.appBaseOf(app), id), Step: stepLabel(ctx, step)}, nil
}

// guard marks the fields the policy guards, and the form as asking for a
// reason when any is.
func guard(p *roomsview.EditProps, pol approval.Policy) {
	for i := range p.Fields {
		if pol.Guards(p.Fields[i].Name) {
			p.Fields[i].Guarded, p.Guarded = true, true
		}
	}
}

func requestedView(ctx context.Context, r approval.Request) *roomsview.Requested {
	v := &roomsview.Requested{Ref: r.Ref(), URL: requestURL(components.AppBase(ctx), r.ID)}
	for _, c := range r.Changes {
		v.Changes = append(v.Changes, roomsview.Change{Field: c.Field, Label: fieldLabel(ctx, c.Field),
			Before: rooms.DisplayValues(c.Field, c.Before), After: rooms.DisplayValues(c.Field, c.After)})
	}
	return v
}
