package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/views/notifyview"
)

// The words for formats, events and refusals, by message id.
var formatIDs = map[notify.Format]string{
	notify.FormatGeneric: "notify.FormatGeneric",
	notify.FormatWeCom:   "notify.FormatWeCom",
	notify.FormatSlack:   "notify.FormatSlack",
}

var eventIDs = map[notify.Event]string{
	notify.EventRequestCreated: "notify.EventRequestCreated",
	notify.EventRequestDecided: "notify.EventRequestDecided",
	notify.EventUpdateProblem:  "notify.EventUpdateProblem",
	notify.EventBulkFinished:   "notify.EventBulkFinished",
	notify.EventChangedOutside: "notify.EventChangedOutside",
	notify.EventTest:           "notify.EventTest",
}

var reasonIDs = map[string]string{
	notify.ReasonName:        "notify.ErrName",
	notify.ReasonURLRequired: "notify.ErrURLRequired",
	notify.ReasonURLForm:     "notify.ErrURLForm",
	notify.ReasonURLUserInfo: "notify.ErrURLUserInfo",
	notify.ReasonURLHTTP:     "notify.ErrURLHTTP",
	notify.ReasonURLLoopback: "notify.ErrURLLoopback",
	notify.ReasonURLAddress:  "notify.ErrURLAddress",
	notify.ReasonFormat:      "notify.ErrFormat",
	notify.ReasonEvents:      "notify.ErrEvents",
}

func formatLabel(ctx context.Context, f notify.Format) string { return i18n.T(ctx, formatIDs[f]) }

func eventLabel(ctx context.Context, e notify.Event) string {
	if id, ok := eventIDs[e]; ok {
		return i18n.T(ctx, id)
	}
	return string(e)
}

func formatChoices(ctx context.Context) []notifyview.Choice {
	var out []notifyview.Choice
	for _, f := range notify.Formats {
		out = append(out, notifyview.Choice{Value: string(f), Label: formatLabel(ctx, f)})
	}
	return out
}

func eventChoices(ctx context.Context) []notifyview.Choice {
	var out []notifyview.Choice
	for _, e := range notify.Events {
		out = append(out, notifyview.Choice{Value: string(e), Label: eventLabel(ctx, e)})
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

func hookErrors(ctx context.Context, ve *notify.ValidationError) map[string]string {
	out := map[string]string{}
	for field, reason := range ve.Fields {
		out[field] = i18n.T(ctx, reasonIDs[reason])
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

func hookRow(ctx context.Context, w notify.Webhook) notifyview.HookRow {
	r := notifyview.HookRow{ID: w.ID, Name: w.Name, URLHint: w.URLHint, Format: formatLabel(ctx, w.Format),
		Enabled: w.Enabled, Pending: w.Pending, Failed: w.Failed, Updated: w.UpdatedAt}
	for _, e := range w.Events {
		r.Events = append(r.Events, eventLabel(ctx, e))
	}
	return r
}

func (h *Handlers) webhooksPage(c echo.Context, status int, p notifyview.WebhooksProps) error {
	ctx := c.Request().Context()
	list, err := h.Notify.List(ctx)
	if err != nil {
		return err
	}
	for _, w := range list {
		p.Hooks = append(p.Hooks, hookRow(ctx, w))
	}
	p.Layout = h.page(c, i18n.T(ctx, "notify.WebhooksTitle"), "webhooks")
	p.Formats, p.Events = formatChoices(ctx), eventChoices(ctx)
	return render(c, status, notifyview.Webhooks(p))
}

// deliveriesPerPage is how many lines of the delivery log a page shows.
const deliveriesPerPage = 50

func (h *Handlers) webhookPage(c echo.Context, status int, w notify.Webhook, f notifyview.HookForm, flash notifyview.Flash) error {
	ctx := c.Request().Context()
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	ds, err := h.Notify.Deliveries(ctx, w.ID, before, deliveriesPerPage+1)
	if err != nil {
		return err
	}
	p := notifyview.WebhookProps{Layout: h.page(c, w.Name, "webhooks"), Hook: hookRow(ctx, w), Form: f, Flash: flash,
		Formats: formatChoices(ctx), Events: eventChoices(ctx)}
	if len(ds) > deliveriesPerPage {
		ds = ds[:deliveriesPerPage]
		p.Older = ds[len(ds)-1].ID
	}
	for _, d := range ds {
		p.Deliveries = append(p.Deliveries, notifyview.DeliveryRow{ID: d.ID, Seq: d.Seq, Event: eventLabel(ctx, d.Event),
			Status: d.Status, Attempts: d.Attempts, Code: d.LastCode, Error: d.LastError, Created: d.CreatedAt,
			Next: d.NextAt, Done: d.DoneAt})
	}
	if status == 0 {
		status = http.StatusOK
	}
	return render(c, status, notifyview.Webhook(p))
}
