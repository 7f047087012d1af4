package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/views/notifyview"
)

// WebhooksList is GET /admin/webhooks.
func (h *Handlers) WebhooksList(c echo.Context) error {
	return h.webhooksPage(c, http.StatusOK, notifyview.WebhooksProps{Form: newHookForm()})
}

// WebhooksCreate is POST /admin/webhooks. The signing secret is shown on
// the page this answer draws, and never again.
func (h *Handlers) WebhooksCreate(c echo.Context) error {
	ctx := c.Request().Context()
	in, f := hookInput(c)
	w, secret, err := h.Notify.Create(ctx, actorFrom(c), in)
	var ve *notify.ValidationError
	if errors.As(err, &ve) {
		f.Errors = hookErrors(ctx, ve)
		return h.webhooksPage(c, http.StatusUnprocessableEntity, notifyview.WebhooksProps{Form: f,
			Flash: notifyview.Flash{Text: i18n.T(ctx, "notify.NotAdded")}})
	}
	if err != nil {
		return err
	}
	return h.webhooksPage(c, http.StatusOK, notifyview.WebhooksProps{Form: newHookForm(),
		Created: &notifyview.Created{Name: w.Name, Secret: secret, Signed: w.Format == notify.FormatGeneric}})
}

// WebhookShow is GET /admin/webhooks/:id: settings and delivery log.
func (h *Handlers) WebhookShow(c echo.Context) error {
	w, err := h.targetWebhook(c)
	if err != nil {
		return err
	}
	return h.webhookPage(c, http.StatusOK, w, formOf(w), notifyview.Flash{})
}

// WebhookUpdate is POST /admin/webhooks/:id.
func (h *Handlers) WebhookUpdate(c echo.Context) error {
	w, err := h.targetWebhook(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	in, f := hookInput(c)
	f.URL = "" // never echoed back
	updated, err := h.Notify.Update(ctx, actorFrom(c), w.ID, in)
	var ve *notify.ValidationError
	if errors.As(err, &ve) {
		f.Errors = hookErrors(ctx, ve)
		return h.webhookPage(c, http.StatusUnprocessableEntity, w, f, notifyview.Flash{Text: i18n.T(ctx, "notify.NotSaved")})
	}
	if err != nil {
		return err
	}
	return h.webhookPage(c, http.StatusOK, updated, formOf(updated), notifyview.Flash{OK: true, Text: i18n.T(ctx, "notify.Saved")})
}

// WebhookDelete is POST /admin/webhooks/:id/delete.
func (h *Handlers) WebhookDelete(c echo.Context) error {
	w, err := h.targetWebhook(c)
	if err != nil {
		return err
	}
	if err := h.Notify.Delete(c.Request().Context(), actorFrom(c), w.ID); err != nil {
		return err
	}
	return redirect(c, "/admin/webhooks")
}

// WebhookTest is POST /admin/webhooks/:id/test: a test event joins the
// queue; the delivery log shows how it went.
func (h *Handlers) WebhookTest(c echo.Context) error {
	w, err := h.targetWebhook(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := h.Notify.SendTest(ctx, actorFrom(c), w.ID); err != nil {
		return err
	}
	flash := notifyview.Flash{OK: true, Text: i18n.T(ctx, "notify.TestQueued")}
	if !w.Enabled {
		flash = notifyview.Flash{Text: i18n.T(ctx, "notify.TestQueuedPaused")}
	}
	return h.webhookPage(c, http.StatusOK, w, formOf(w), flash)
}

// targetWebhook is the webhook named by :id; unknown ids are 404s.
func (h *Handlers) targetWebhook(c echo.Context) (notify.Webhook, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return notify.Webhook{}, echo.ErrNotFound
	}
	w, err := h.Notify.Get(c.Request().Context(), id)
	if errors.Is(err, notify.ErrNotFound) {
		return notify.Webhook{}, echo.ErrNotFound
	}
	return w, err
}
