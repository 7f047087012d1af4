package handlers

import (
	"context"
	"strconv"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/approvalview"
	"github.com/roomdesk/roomdesk/views/components"
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

// statusLabel is a status in the reader's language.
func statusLabel(ctx context.Context, status string) string {
	id := map[string]string{
		approval.StatusPending: "approval.StatusPending", approval.StatusApproved: "approval.StatusApproved",
		approval.StatusRejected: "approval.StatusRejected", approval.StatusExpired: "approval.StatusExpired",
		approval.StatusCancelled: "approval.StatusCancelled", approval.StatusStale: "approval.StatusStale",
	}[status]
	if id == "" {
		return status
	}
	return i18n.T(ctx, id)
}

func statusChoices(ctx context.Context) []approvalview.Choice {
	out := make([]approvalview.Choice, len(approval.Statuses))
	for i, s := range approval.Statuses {
		out[i] = approvalview.Choice{Value: s, Label: statusLabel(ctx, s)}
	}
	return out
}

func statusBadge(ctx context.Context, r approval.Request) (components.Tone, string) {
	label := statusLabel(ctx, r.Status)
	switch r.Status {
	case approval.StatusPending:
		return components.Info, label
	case approval.StatusApproved:
		switch r.Outcome {
		case audit.OutcomeFailed:
			return components.Bad, i18n.T(ctx, "approval.StatusApprovedFailed")
		case audit.OutcomeUnknown:
			return components.Warn, i18n.T(ctx, "approval.StatusApprovedUnknown")
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
	v.Tone, v.StatusLabel = statusBadge(ctx, r)
	if r.JobID != 0 {
		v.JobURL = base + "/bulk/" + strconv.FormatInt(r.JobID, 10)
	}
	for _, c := range r.Changes {
		ch := approvalview.Change{Field: c.Field, Label: fieldLabel(ctx, c.Field), After: rooms.DisplayValues(c.Field, c.After)}
		if r.Kind == approval.KindRoom {
			ch.Before = rooms.DisplayValues(c.Field, c.Before)
		}
		v.Changes = append(v.Changes, ch)
	}
	return v
}

// stepLabel is a step of a request in the reader's language.
func stepLabel(ctx context.Context, step string) string {
	id := map[string]string{
		approval.StepCreate: "approval.StepCreate", approval.StepApprove: "approval.StepApprove",
		approval.StepReject: "approval.StepReject", approval.StepExpire: "approval.StepExpire",
		approval.StepCancel: "approval.StepCancel", approval.StepRefused: "approval.StepRefused",
		approval.StepUpdate: "approval.StepUpdate", approval.StepStale: "approval.StepStale", approval.StepJob: "approval.StepJob",
	}[step]
	if id == "" {
		return step
	}
	return i18n.T(ctx, id)
}

func stepViews(ctx context.Context, ls []approval.Link) []approvalview.Step {
	out := make([]approvalview.Step, len(ls))
	for i, l := range ls {
		out[i] = approvalview.Step{Seq: l.Seq, Label: stepLabel(ctx, l.Step), URL: components.AuditEntryURL(l.Seq)}
	}
	return out
}
