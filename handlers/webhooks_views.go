package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/views/notifyview"
)

var formatLabels = map[notify.Format]string{
	notify.FormatGeneric: "Generic JSON (signed)",
	notify.FormatWeCom:   "WeCom group robot",
	notify.FormatSlack:   "Slack incoming webhook",
}

var eventLabels = map[notify.Event]string{
	notify.EventRequestCreated: "Change requested",
	notify.EventRequestDecided: "Change request approved, rejected, expired or cancelled",
	notify.EventUpdateProblem:  "Update failed, or its outcome unknown",
	notify.EventBulkFinished:   "Bulk job finished",
	notify.EventChangedOutside: "Room changed outside roomdesk",
	notify.EventTest:           "Test event",
}

var hookFieldLabels = map[string]string{"name": "Name", "url": "URL", "format": "Format", "events": "Events"}

func formatChoices() []notifyview.Choice {
	var out []notifyview.Choice
	for _, f := range notify.Formats {
		out = append(out, notifyview.Choice{Value: string(f), Label: formatLabels[f]})
	}
	return out
}

func eventChoices() []notifyview.Choice {
	var out []notifyview.Choice
	for _, e := range notify.Events {
		out = append(out, notifyview.Choice{Value: string(e), Label: eventLabels[e]})
	}
	return out
}

func newHookForm() notifyview.HookForm {
	return notifyview.HookForm{Format: string(notify.FormatGeneric), Enabled: true, Events: map[string]bool{}}
}

// hookInput reads the add/edit form.
func hookInput(c echo.Context) (notify.Input, notifyview.HookForm) {
	f := notifyview.HookForm{Name: c.FormValue("name"), URL: c.FormValue("url"), Format: c.FormValue("format"),
		Enabled: c.FormValue("enabled") != "", Events: map[string]bool{}}
	in := notify.Input{Name: f.Name, URL: f.URL, Format: notify.Format(f.Format), Enabled: f.Enabled}
	form, _ := c.FormParams()
	for _, e := range form["events"] {
		f.Events[e] = true
		in.Events = append(in.Events, notify.Event(e))
	}
	return in, f
}

func hookErrors(ve *notify.ValidationError) map[string]string {
	out := map[string]string{}
	for k, msg := range ve.Fields {
		out[k] = hookFieldLabels[k] + " " + msg + "."
	}
	return out
}

func formOf(w notify.Webhook) notifyview.HookForm {
	f := notifyview.HookForm{Name: w.Name, Format: string(w.Format), Enabled: w.Enabled, Events: map[string]bool{}}
	for _, e := range w.Events {
		f.Events[string(e)] = true
	}
	return f
}

func hookRow(w notify.Webhook) notifyview.HookRow {
	r := notifyview.HookRow{ID: w.ID, Name: w.Name, URLHint: w.URLHint, Format: formatLabels[w.Format],
		Enabled: w.Enabled, Pending: w.Pending, Failed: w.Failed, Updated: w.UpdatedAt}
	for _, e := range w.Events {
		r.Events = append(r.Events, eventLabels[e])
	}
	return r
}

func (h *Handlers) webhooksPage(c echo.Context, status int, p notifyview.WebhooksProps) error {
	list, err := h.Notify.List(c.Request().Context())
	if err != nil {
		return err
	}
	for _, w := range list {
		p.Hooks = append(p.Hooks, hookRow(w))
	}
	p.Layout, p.Formats, p.Events = h.page(c, "Webhooks", "webhooks"), formatChoices(), eventChoices()
	return render(c, status, notifyview.Webhooks(p))
}

// deliveriesPerPage is how many lines of the delivery log a page shows.
const deliveriesPerPage = 50

func (h *Handlers) webhookPage(c echo.Context, status int, w notify.Webhook, f notifyview.HookForm, flash notifyview.Flash) error {
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	ds, err := h.Notify.Deliveries(c.Request().Context(), w.ID, before, deliveriesPerPage+1)
	if err != nil {
		return err
	}
	p := notifyview.WebhookProps{Layout: h.page(c, w.Name, "webhooks"), Hook: hookRow(w), Form: f, Flash: flash,
		Formats: formatChoices(), Events: eventChoices()}
	if len(ds) > deliveriesPerPage {
		ds = ds[:deliveriesPerPage]
		p.Older = ds[len(ds)-1].ID
	}
	for _, d := range ds {
		p.Deliveries = append(p.Deliveries, notifyview.DeliveryRow{ID: d.ID, Seq: d.Seq, Event: eventLabels[d.Event],
			Status: d.Status, Attempts: d.Attempts, Code: d.LastCode, Error: d.LastError, Created: d.CreatedAt,
			Next: d.NextAt, Done: d.DoneAt})
	}
	if status == 0 {
		status = http.StatusOK
	}
	return render(c, status, notifyview.Webhook(p))
}
