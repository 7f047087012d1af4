package handlers

import (
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/localtime"
	"github.com/roomdesk/roomdesk/internal/tencent"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/homeview"
)

// Home is GET /: activity at a glance for a signed-in user (the route's
// middleware sends anyone else to the sign-in page).
func (h *Handlers) Home(c echo.Context) error {
	u, _ := currentUser(c)
	if h.Activity == nil {
		return c.Redirect(http.StatusSeeOther, "/rooms")
	}
	ctx := c.Request().Context()
	sum, err := h.Activity.Summary(ctx, h.Now().In(localtime.From(ctx)))
	if err != nil {
		return err
	}
	p := homeview.Props{Now: sum.Now, Unknown: sum.Unknown}
	for i, hr := range sum.Hours {
		b := homeview.Bar{Start: hr.Start, Value: hr.Edits, OK: hr.OK}
		p.Week, p.WeekTotal = append(p.Week, b), p.WeekTotal+b.Value
		if i >= len(sum.Hours)-24 {
			p.Day, p.DayTotal = append(p.Day, b), p.DayTotal+b.Value
		}
	}
	for _, f := range sum.Failures {
		p.Failures = append(p.Failures, homeview.Failure{Code: f.Code, Count: f.Count, Meaning: tencent.Describe(f.Code).Meaning})
	}
	for _, o := range sum.Operators {
		p.Operators = append(p.Operators, homeview.Operator{Name: o.Name, Edits: o.Edits})
	}
	for _, r := range sum.Rooms {
		p.Rooms = append(p.Rooms, homeview.Room{App: r.App, ID: r.ID, URL: components.AppRoomURL(r.App, r.ID), Changes: r.Changes, Last: r.Last})
	}
	if u.Role.Allows(auth.RoleOperator) {
		if p.Jobs, err = h.homeJobs(c); err != nil {
			return err
		}
	}
	p.Layout = h.page(c, i18n.T(ctx, "daily.HomeTitle"), "home")
	return render(c, http.StatusOK, homeview.Page(p))
}

// homeJobs are the running jobs and the newest others, across the apps.
func (h *Handlers) homeJobs(c echo.Context) ([]homeview.Job, error) {
	type svc struct {
		app string
		s   *bulk.Service
	}
	var list []svc
	if h.Apps != nil {
		for _, a := range h.Apps.All() {
			if a.Bulk != nil {
				list = append(list, svc{a.ID, a.Bulk})
			}
		}
	} else if h.Bulk != nil {
		list = append(list, svc{"", h.Bulk})
	}
	var out []homeview.Job
	for _, x := range list {
		jobs, err := x.s.Recent(c.Request().Context(), 5)
		if err != nil {
			return nil, err
		}
		for _, j := range jobs {
			url := jobURLIn(x.app, j.ID)
			out = append(out, homeview.Job{ID: j.ID, URL: url, Status: j.Status, By: j.CreatedBy, Done: j.Counts.Done,
				Failed: j.Counts.Failed, Total: j.Total, Created: j.CreatedAt, Running: !j.Ended()})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Running != out[j].Running {
			return out[i].Running
		}
		return out[i].Created.After(out[j].Created)
	})
	return out[:min(len(out), 6)], nil
}

func jobURLIn(app string, id int64) string {
	base := ""
	if app != "" {
		base = components.AppPath(app)
	}
	return base + "/bulk/" + bulk.JobKey(id)
}
