package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/roomsview"
)

// ctxPolicy holds the request's app's approval policy once read.
const ctxPolicy = "roomdesk.policy"

// policy is the approval policy of the request's app (none without the
// approval service), read once per request: an edit asks before deciding
// whether to send and again when it renders the form.
func (h *Handlers) policy(c echo.Context) (approval.Policy, error) {
	if h.Approvals == nil {
		return approval.Policy{}, nil
	}
	if p, ok := c.Get(ctxPolicy).(approval.Policy); ok {
		return p, nil
	}
	p, err := h.Approvals.Policy(c.Request().Context(), h.appID(c))
	if err == nil {
		c.Set(ctxPolicy, p)
	}
	return p, err
}

// requestInstead turns a room edit that touches a field the app's policy
// guards into a change request (with the reason the form asked for)
// instead of a call; done is false when the edit needs no approval and
// goes ahead as usual. Invalid values are left to Update, which explains
// them the usual way.
func (h *Handlers) requestInstead(c echo.Context, id string, form url.Values, submitted, original rooms.Form) (done bool, err error) {
	pol, err := h.policy(c)
	if err != nil {
		return true, err
	}
	changed, errs := rooms.Changed(submitted, original)
	if len(errs) > 0 || len(pol.Guarded(changed)) == 0 {
		return false, nil
	}
	ctx := c.Request().Context()
	req, err := h.Approvals.CreateRoom(ctx, actorFrom(c), approval.RoomChange{App: h.appID(c), RoomID: id,
		Submitted: submitted, Original: original, Reason: form.Get("reason")})
	p := roomsview.EditProps{RoomID: id, CanEdit: true, CSRF: csrfToken(c), Reason: form.Get("reason")}
	var ie *approval.InputError
	switch {
	case errors.As(err, &ie):
		p.ReasonError, p.Fields = approvalMessage(ctx, ie), editFields(ctx, submitted, original, nil)
		return true, h.renderEdit(c, http.StatusUnprocessableEntity, p, nil)
	case err != nil:
		return true, err
	}
	// Nothing was sent: the form goes back to the room as it was.
	p.Requested, p.Reason, p.Fields = requestedView(ctx, req), "", editFields(c.Request().Context(), original, original, nil)
	return true, h.renderEdit(c, http.StatusOK, p, nil)
}

// bulkApproval marks a preview whose job needs approval under the app's
// policy (a policy that cannot be read stops nothing here: starting the
// job reads it again and fails there).
func (h *Handlers) bulkApproval(c echo.Context, n int, pv *bulkview.PreviewProps) {
	pol, err := h.policy(c)
	if err != nil || !pol.BulkNeedsApproval(n) {
		return
	}
	pv.NeedsApproval, pv.ApprovalAbove, pv.Reason = true, pol.BulkAbove, c.FormValue("reason")
}

// requestJob stores a bulk job that needs approval as a change request
// instead of starting it, and shows the request.
func (h *Handlers) requestJob(c echo.Context, in bulk.Input, plan bulk.Plan, pv bulkview.PreviewProps) error {
	ctx := c.Request().Context()
	req, err := h.Approvals.CreateJob(ctx, actorFrom(c), h.appID(c), plan, c.FormValue("reason"))
	var ie *approval.InputError
	if errors.As(err, &ie) {
		pv.ReasonError = approvalMessage(ctx, ie)
		return h.renderPreview(c, http.StatusUnprocessableEntity, in, pv)
	}
	if err != nil {
		return err
	}
	return redirect(c, requestURL(components.AppBase(ctx), req.ID))
}
