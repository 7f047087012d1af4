package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/approval"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/safetext"
	"github.com/roomdesk/roomdesk/views/approvalview"
	"github.com/roomdesk/roomdesk/views/components"
)

// RequestsList is GET /requests: the app's change requests, filtered by
// status, requester and room (viewers may look; deciding needs operator).
func (h *Handlers) RequestsList(c echo.Context) error {
	f := approvalview.Filter{Status: c.QueryParam("status"),
		RequestedBy: safetext.Clip(strings.TrimSpace(c.QueryParam("requested_by")), 64),
		RoomID:      safetext.Clip(strings.TrimSpace(c.QueryParam("room")), safetext.DefaultMax)}
	if !slices.Contains(approval.Statuses, f.Status) {
		f.Status = ""
	}
	ctx := c.Request().Context()
	list, err := h.Approvals.List(ctx, approval.Filter{App: h.appID(c), Status: f.Status, RequestedBy: f.RequestedBy, RoomID: f.RoomID}, 200)
	if err != nil {
		return err
	}
	p := approvalview.ListProps{Layout: h.page(c, i18n.T(ctx, "approval.RequestsTitle"), "requests"), Filter: f, Statuses: statusChoices(ctx)}
	for _, r := range list {
		p.Requests = append(p.Requests, requestView(ctx, r))
	}
	return render(c, http.StatusOK, approvalview.ListPage(p))
}

// RequestsShow is GET /requests/:rid.
func (h *Handlers) RequestsShow(c echo.Context) error {
	flash := approvalview.Flash{OK: true}
	done := map[string]string{"approved": "approval.DoneApproved", "rejected": "approval.DoneRejected", "cancelled": "approval.DoneCancelled"}
	if id, ok := done[c.QueryParam("done")]; ok {
		flash.Text = i18n.T(c.Request().Context(), id)
	}
	return h.requestPage(c, http.StatusOK, flash, "")
}

func (h *Handlers) requestPage(c echo.Context, status int, flash approvalview.Flash, comment string) error {
	id, ok := approval.ParseRef(c.Param("rid"))
	if !ok {
		return echo.ErrNotFound
	}
	ctx := c.Request().Context()
	r, err := h.Approvals.Get(ctx, h.appID(c), id)
	if errors.Is(err, approval.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	links, err := h.Approvals.Links(ctx, id)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	role, _ := c.Get(ctxAppRole).(auth.Role)
	if h.Apps == nil {
		role = u.Role
	}
	p := approvalview.ShowProps{Layout: h.page(c, i18n.T(ctx, "approval.ChangeRequest")+" "+r.Ref(), "requests"), Request: requestView(ctx, r),
		Steps: stepViews(ctx, links), Own: u.Username == r.RequestedBy, Pending: r.Status == approval.StatusPending,
		CanDecide: role.Allows(auth.RoleOperator), Flash: flash, Comment: comment}
	return render(c, status, approvalview.ShowPage(p))
}

// RequestsApprove is POST /requests/:rid/approve (operators of the app):
// approve and run the change at once, then show the request.
func (h *Handlers) RequestsApprove(c echo.Context) error {
	return h.decide(c, "approved", func(id int64, comment string) error {
		_, err := h.Approvals.Approve(c.Request().Context(), actorFrom(c), h.appID(c), id, comment)
		return err
	})
}

// RequestsReject is POST /requests/:rid/reject.
func (h *Handlers) RequestsReject(c echo.Context) error {
	return h.decide(c, "rejected", func(id int64, comment string) error {
		_, err := h.Approvals.Reject(c.Request().Context(), actorFrom(c), h.appID(c), id, comment)
		return err
	})
}

// RequestsCancel is POST /requests/:rid/cancel (the requester only).
func (h *Handlers) RequestsCancel(c echo.Context) error {
	return h.decide(c, "cancelled", func(id int64, _ string) error {
		_, err := h.Approvals.Cancel(c.Request().Context(), actorFrom(c), h.appID(c), id)
		return err
	})
}

// decide runs one decision and answers with the request's page: after it
// (a redirect, so a reload does not post again), or with why it was refused.
func (h *Handlers) decide(c echo.Context, done string, act func(id int64, comment string) error) error {
	id, ok := approval.ParseRef(c.Param("rid"))
	if !ok {
		return echo.ErrNotFound
	}
	comment := c.FormValue("comment")
	err := act(id, comment)
	if err == nil {
		return redirect(c, requestURL(components.AppBase(c.Request().Context()), id)+"?done="+done)
	}
	if errors.Is(err, approval.ErrNotFound) {
		return echo.ErrNotFound
	}
	msg := approvalMessage(c.Request().Context(), err)
	if msg == "" {
		return err
	}
	// Self-approval and another's cancel are 409 like the other refusals
	// of the request's state: 403 is the role check's, audited by it.
	status := http.StatusConflict
	var ie *approval.InputError
	if errors.As(err, &ie) {
		status = http.StatusUnprocessableEntity
	}
	return h.requestPage(c, status, approvalview.Flash{Text: msg}, comment)
}
