// Package notifyview draws the webhook admin pages (/admin/webhooks and a
// webhook's delivery log) and the API token pages (/account/tokens,
// /admin/tokens). Data arrives as the view models below.
package notifyview

import (
	"context"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/components"
	"github.com/roomdesk/roomdesk/views/layout"
)

// Choice is one option of a select or checkbox group.
type Choice struct{ Value, Label string }

// Flash is the outcome of the last action; OK false is an error.
type Flash struct {
	OK   bool
	Text string
}

// HookRow is a webhook as listed: never its URL in full.
type HookRow struct {
	ID      int64
	Name    string
	URLHint string
	Format  string // label
	Events  []string
	Enabled bool
	Pending int
	Failed  int
	Updated time.Time
}

// Path is the webhook's page.
func (h HookRow) Path() string { return "/admin/webhooks/" + strconv.FormatInt(h.ID, 10) }

// HookForm is the add or edit form as submitted (never the URL on edit:
// an empty URL keeps the stored one).
type HookForm struct {
	Name    string
	URL     string
	Format  string
	Events  map[string]bool
	Enabled bool
	Errors  map[string]string
}

func (f HookForm) fieldClass(name string) string { return components.FieldClass(f.Errors[name] != "") }

// Created is shown once, right after a webhook is added.
type Created struct {
	Name   string
	Secret string // the signing secret (generic format)
	Signed bool
}

// WebhooksProps fill /admin/webhooks.
type WebhooksProps struct {
	Layout  layout.Props
	Hooks   []HookRow
	Form    HookForm
	Flash   Flash
	Created *Created
	Formats []Choice
	Events  []Choice
}

// DeliveryRow is one line of the delivery log.
type DeliveryRow struct {
	ID       int64
	Seq      int64 // 0: a test event
	Event    string
	Status   string // pending, delivered, failed
	Attempts int
	Code     int
	Error    string
	Created  time.Time
	Next     time.Time // pending only
	Done     time.Time
}

// WebhookProps fill a webhook's page: its settings and its delivery log.
type WebhookProps struct {
	Layout     layout.Props
	Hook       HookRow
	Form       HookForm
	Flash      Flash
	Formats    []Choice
	Events     []Choice
	Deliveries []DeliveryRow
	Older      int64 // cursor for the next (older) page; 0: none
}

// TokenRow is an API token as listed: never the token.
type TokenRow struct {
	ID        int64
	User      string
	Name      string
	Hint      string
	CreatedBy string
	Created   time.Time
	LastUsed  time.Time
	Revoked   bool
}

// TokensProps fill /account/tokens (a user's own) and /admin/tokens
// (everyone's; Users is the "for whom" select).
type TokensProps struct {
	Layout    layout.Props
	Admin     bool
	Base      string // /account/tokens or /admin/tokens
	Tokens    []TokenRow
	Users     []Choice
	Created   string // the new token, shown this once
	Flash     Flash
	NameError string
}

func (p TokensProps) revokePath(t TokenRow) string {
	return p.Base + "/" + strconv.FormatInt(t.ID, 10) + "/revoke"
}

func statusClass(s string) string {
	switch s {
	case "delivered":
		return "badge badge-ok"
	case "failed":
		return "badge badge-bad"
	}
	return "badge badge-warn"
}

func statusLabel(ctx context.Context, s string) string {
	switch s {
	case "delivered":
		return i18n.T(ctx, "notify.StatusDelivered")
	case "failed":
		return i18n.T(ctx, "notify.StatusFailed")
	}
	return i18n.T(ctx, "notify.StatusPending")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func olderURL(h HookRow, older int64) string {
	return h.Path() + "?before=" + strconv.FormatInt(older, 10)
}
