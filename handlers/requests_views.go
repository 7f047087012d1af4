package handlers

import (
	"context"
	"strconv"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/approvalview"
	"github.com/roomdesk/roomdesk/views/auditview"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// The change request pages take view models; approval's types stop here.

// requestURL is a request's page in its app (the default app's single-app
// URL when base is "").
func requestURL(base string, id int64) string {
	return base + "/requests/" + strconv.FormatInt(id, 10)
}

// appBaseOf is the URL prefix of app for links made outside its pages.
func (h *Handlers) appBaseOf(app string) string {
	if h.Apps == nil || app == "" || h.Apps.Default().ID == app {
		return ""
	}
	return components.AppPath(app)
}

var statusLabels = map[string]string{
	approval.StatusPending:   "Pending",
	approval.StatusApproved:  "Approved",
	approval.StatusRejected:  "Rejected",
	approval.StatusExpired:   "Expired",
	approval.StatusCancelled: "Cancelled",
	approval.StatusStale:     "Not applied: changed since",
}

func statusChoices() []approvalview.Choice {
	out := make([]approvalview.Choice, len(approval.Statuses))
	for i, s := range approval.Statuses {
		out[i] = approvalview.Choice{Value: s, Label: statusLabels[s]}
	}
	return out
}

func statusBadge(r approval.Request) (components.Tone, string) {
	label := statusLabels[r.Status]
	switch r.Status {
	case approval.StatusPending:
		return components.Info, label
	case approval.StatusApproved:
		switch r.Outcome {
		case audit.OutcomeFailed:
			return components.Bad, "Approved, not applied"
		case audit.OutcomeUnknown:
			return components.Warn, "Approved, outcome unknown"
		}
		return components.OK, label
	case approval.StatusRejected:
		return components.Bad, label
	case approval.StatusStale:
		return components.Warn, label
	}
	return components.Neutral, label
}

func requestView(ctx context.Context, r approval.Request) approvalview.Request {
	base := components.AppBase(ctx)
	v := approvalview.Request{ID: r.ID, Ref: r.Ref(), URL: requestURL(base, r.ID), Kind: r.Kind, RoomID: r.RoomID,
		RoomURL: components.RoomURLIn(ctx, r.RoomID), RoomCount: r.RoomCount, Summary: r.Summary(),
		RequestedBy: r.RequestedBy, Created: r.CreatedAt, Expires: r.ExpiresAt, Status: r.Status, Reason: r.Reason,
		DecidedBy: r.DecidedBy, Decided: r.DecidedAt, Comment: r.Comment, Outcome: r.Outcome, Message: r.Message,
		TencentID: r.TencentRequestID}
	v.Tone, v.StatusLabel = statusBadge(r)
	if r.JobID != 0 {
		v.JobURL = base + "/bulk/" + strconv.FormatInt(r.JobID, 10)
	}
	for _, c := range r.Changes {
		ch := approvalview.Change{Field: c.Field, Label: rooms.Label(c.Field), After: rooms.DisplayValues(c.Field, c.After)}
		if r.Kind == approval.KindRoom {
			ch.Before = rooms.DisplayValues(c.Field, c.Before)
		}
		v.Changes = append(v.Changes, ch)
	}
	return v
}

var stepLabels = map[string]string{
	approval.StepCreate:  "Requested",
	approval.StepApprove: "Approved",
	approval.StepReject:  "Rejected",
	approval.StepExpire:  "Expired",
	approval.StepCancel:  "Cancelled by the requester",
	approval.StepRefused: "Self-approval refused",
	approval.StepUpdate:  "Room update sent to Tencent",
	approval.StepStale:   "Not applied: changed since requested",
	approval.StepJob:     "Bulk job created",
}

func stepViews(ls []approval.Link) []approvalview.Step {
	out := make([]approvalview.Step, len(ls))
	for i, l := range ls {
		out[i] = approvalview.Step{Seq: l.Seq, Label: stepLabels[l.Step], URL: components.AuditEntryURL(l.Seq)}
	}
	return out
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
	return &auditview.RequestLink{Ref: approval.Ref(id), URL: requestURL(h.appBaseOf(app), id), Step: stepLabels[step]}, nil
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
		v.Changes = append(v.Changes, roomsview.Change{Field: c.Field, Label: rooms.Label(c.Field),
			Before: rooms.DisplayValues(c.Field, c.Before), After: rooms.DisplayValues(c.Field, c.After)})
	}
	return v
}
