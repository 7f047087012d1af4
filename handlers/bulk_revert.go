package handlers

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/history"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// BulkRevert is POST /bulk/{id}/revert (operators): an ended job's changes
// are reverted, room by room, as a new job of the same app, with the same
// checks as a single revert. A job already reverted sends the browser to
// that revert instead of a second one.
func (h *Handlers) BulkRevert(c echo.Context) error {
	id, err := jobID(c)
	if err != nil || h.History == nil {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	base := components.AppBase(ctx)
	var job bulk.Job
	var reverted *history.RevertedError
	plan, err := h.History.JobRevertPlan(ctx, h.bulk(c), id)
	if err == nil {
		var req int64
		if req, err = h.jobRevertRequest(c, id, plan); err == nil && req != 0 {
			return redirect(c, requestURL(base, req)) // the policy asks for a second person
		}
	}
	if err == nil {
		job, err = h.History.RevertJob(ctx, h.bulk(c), actorFrom(c), h.appID(c), id)
	}
	switch {
	case err == nil:
		return redirect(c, base+bulkview.JobPath(job.ID))
	case errors.As(err, &reverted) && reverted.Job != 0:
		return redirect(c, base+bulkview.JobPath(reverted.Job))
	case errors.Is(err, bulk.ErrNotFound):
		return echo.ErrNotFound
	case errors.As(err, &reverted), errors.Is(err, bulk.ErrNotEnded), errors.Is(err, history.ErrNothingToRevert):
		return redirect(c, base+bulkview.JobPath(id)) // the page shows why there is no revert
	}
	return err
}

// jobRevertRequest turns a job revert the app's approval policy guards (a
// field it sets back, or more rooms than the policy lets a job have) into a
// change request for a bulk job; req is 0 when no approval is needed.
func (h *Handlers) jobRevertRequest(c echo.Context, id int64, plan bulk.Plan) (req int64, err error) {
	if h.Approvals == nil {
		return 0, nil
	}
	pol, err := h.policy(c)
	if err != nil {
		return 0, err
	}
	guarded := pol.BulkNeedsApproval(len(plan.Rows))
	for _, r := range plan.Rows {
		for f := range r.Fields {
			guarded = guarded || pol.Guards(f)
		}
	}
	if !guarded {
		return 0, nil
	}
	r, err := h.Approvals.CreateJob(c.Request().Context(), actorFrom(c), h.appID(c), plan, history.JobNote(id))
	return r.ID, err
}

// jobRevert is a job's revert links, and whether it may be reverted now.
func (h *Handlers) jobRevert(c echo.Context, j bulkview.Job) bulkview.JobRevert {
	if h.History == nil {
		return bulkview.JobRevert{}
	}
	l, err := h.History.JobLinks(c.Request().Context(), j.ID)
	if err != nil {
		h.Logger.Warn("history: job links not read", "job", j.ID, "err", err)
		return bulkview.JobRevert{}
	}
	return bulkview.JobRevert{RevertOf: l.RevertOf, RevertedAs: l.RevertedAs,
		CanRevert: l.RevertedAs == 0 && j.Ended() && j.Done > 0}
}
