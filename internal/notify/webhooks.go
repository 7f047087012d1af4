package notify

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// Format is how a webhook's body is written.
type Format string

const (
	FormatGeneric Format = "generic" // signed JSON (Payload)
	FormatWeCom   Format = "wecom"   // WeCom group robot: {"msgtype":"markdown",...}
	FormatSlack   Format = "slack"   // Slack incoming webhook: {"text":...}
)

// Formats in display order.
var Formats = []Format{FormatGeneric, FormatWeCom, FormatSlack}

// Webhook is one configured endpoint as pages show it: never its URL in
// full, never its signing secret.
type Webhook struct {
	ID        int64
	Name      string
	URLHint   string // scheme://host/…tail
	Format    Format
	Events    []Event
	Enabled   bool
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	Pending   int // deliveries waiting
	Failed    int // deliveries given up
}

// Input is what an admin submits. URL "" on an update keeps the URL.
type Input struct {
	Name    string
	URL     string
	Format  Format
	Events  []Event
	Enabled bool
}

// ValidationError is bad input: for each refused field (name, url,
// format, events), the reason, one of the Reason constants, which pages
// word in the reader's language. It never repeats the URL.
type ValidationError struct{ Fields map[string]string }

// Reasons a field is refused.
const (
	ReasonName        = "name"         // 1 to 80 characters, no controls
	ReasonURLRequired = "url_required" // no URL given
	ReasonURLForm     = "url_form"     // not an absolute https:// URL of at most 2048 characters
	ReasonURLUserInfo = "url_userinfo" // user name or password in the URL
	ReasonURLHTTP     = "url_http"     // plain http to anything but an allowed loopback host
	ReasonURLLoopback = "url_loopback" // loopback, not allowed here
	ReasonURLAddress  = "url_address"  // link-local, unspecified or multicast
	ReasonFormat      = "format"
	ReasonEvents      = "events"
)

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k, v := range e.Fields {
		keys = append(keys, k+" ("+v+")")
	}
	slices.Sort(keys)
	return "notify: invalid webhook: " + strings.Join(keys, ", ")
}

// ErrNotFound answers an unknown webhook id.
var ErrNotFound = errors.New("notify: no such webhook")

// validate checks in; creating says the URL is required.
func (s *Service) validate(in *Input, creating bool) error {
	bad := map[string]string{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 80 || safetext.Check(in.Name, "name", false) != "" {
		bad["name"] = ReasonName
	}
	in.URL = strings.TrimSpace(in.URL)
	if in.URL != "" || creating {
		if reason := s.checkURL(in.URL); reason != "" {
			bad["url"] = reason
		}
	}
	if !slices.Contains(Formats, in.Format) {
		bad["format"] = ReasonFormat
	}
	if len(in.Events) == 0 {
		bad["events"] = ReasonEvents
	}
	for _, e := range in.Events {
		if !slices.Contains(Events, e) {
			bad["events"] = ReasonEvents
		}
	}
	if len(bad) > 0 {
		return &ValidationError{Fields: bad}
	}
	return nil
}

// checkURL accepts an absolute https URL with a host (http only to a
// loopback host, when loopback is allowed), or says why not. Where it
// resolves is checked again at every connection (see guard.go).
func (s *Service) checkURL(raw string) string {
	if raw == "" {
		return ReasonURLRequired
	}
	if len(raw) > 2048 || safetext.Check(raw, "url", false) != "" {
		return ReasonURLForm
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return ReasonURLForm
	}
	if u.User != nil {
		return ReasonURLUserInfo
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !s.opts.AllowLoopback || !isLoopbackHost(u.Hostname()) {
			return ReasonURLHTTP
		}
	default:
		return ReasonURLForm
	}
	if err := s.hostAllowed(u.Hostname()); err != nil {
		if isLoopbackHost(u.Hostname()) {
			return ReasonURLLoopback
		}
		return ReasonURLAddress
	}
	return ""
}

// Hint is what may be shown of a webhook URL: scheme and host, and the
// last four characters (WeCom and Slack put the key in the path or query).
func Hint(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unreadable URL)"
	}
	tail := ""
	if rest := strings.TrimPrefix(raw, u.Scheme+"://"+u.Host); len(rest) > 8 {
		tail = rest[len(rest)-4:]
	}
	return u.Scheme + "://" + u.Host + "/…" + tail
}

// origin is the URL's scheme and host only: what the audit log records.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unreadable URL)"
	}
	return u.Scheme + "://" + u.Host
}

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

func joinEvents(es []Event) string {
	ss := make([]string, len(es))
	for i, e := range es {
		ss[i] = string(e)
	}
	return strings.Join(ss, ",")
}

func splitEvents(s string) []Event {
	var out []Event
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, Event(p))
		}
	}
	return out
}

// Create adds a webhook and returns it with its signing secret, which is
// shown this once. It hears of audit entries written after it.
func (s *Service) Create(ctx context.Context, actor audit.Actor, in Input) (Webhook, string, error) {
	if err := s.validate(&in, true); err != nil {
		return Webhook{}, "", err
	}
	head, err := s.opts.Source.Head(ctx)
	if err != nil {
		return Webhook{}, "", fmt.Errorf("notify: create: %w", err)
	}
	secret, now := newSecret(), micros(s.opts.Now())
	var id int64
	err = s.db.QueryRowContext(ctx, `INSERT INTO webhooks (name, url, url_hint, format, events, enabled, secret,
		from_seq, created_by, created_at_us, updated_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		in.Name, in.URL, Hint(in.URL), string(in.Format), joinEvents(in.Events), in.Enabled, secret, head, actor.Name, now).Scan(&id)
	if err != nil {
		return Webhook{}, "", fmt.Errorf("notify: create: %w", err)
	}
	w, err := s.Get(ctx, id)
	if err != nil {
		return Webhook{}, "", err
	}
	s.audit(ctx, actor, audit.ActionWebhookCreate, describe(w, origin(in.URL)))
	s.Wake()
	return w, secret, nil
}

// Update changes a webhook; an empty URL keeps the stored one.
func (s *Service) Update(ctx context.Context, actor audit.Actor, id int64, in Input) (Webhook, error) {
	if err := s.validate(&in, false); err != nil {
		return Webhook{}, err
	}
	old, err := s.Get(ctx, id)
	if err != nil {
		return Webhook{}, err
	}
	set := `name = $1, format = $2, events = $3, enabled = $4, updated_at_us = $5`
	args := []any{in.Name, string(in.Format), joinEvents(in.Events), in.Enabled, micros(s.opts.Now()), id}
	if in.URL != "" {
		set += `, url = $7, url_hint = $8`
		args = append(args, in.URL, Hint(in.URL))
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE webhooks SET `+set+` WHERE id = $6`, args...); err != nil {
		return Webhook{}, fmt.Errorf("notify: update: %w", err)
	}
	w, err := s.Get(ctx, id)
	if err != nil {
		return Webhook{}, err
	}
	detail := describe(w, "")
	if in.URL != "" {
		detail += "; URL replaced (now " + origin(in.URL) + ")"
	}
	if old.Enabled != w.Enabled && !w.Enabled {
		detail += "; deliveries paused"
	}
	s.audit(ctx, actor, audit.ActionWebhookUpdate, detail)
	s.Wake()
	return w, nil
}

// Delete removes a webhook and its delivery log.
func (s *Service) Delete(ctx context.Context, actor audit.Actor, id int64) error {
	w, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id); err != nil {
		return fmt.Errorf("notify: delete: %w", err)
	}
	s.audit(ctx, actor, audit.ActionWebhookDelete, describe(w, ""))
	return nil
}

func describe(w Webhook, origin string) string {
	state := "enabled"
	if !w.Enabled {
		state = "disabled"
	}
	d := fmt.Sprintf("webhook %d %q (%s", w.ID, w.Name, w.Format)
	if origin != "" {
		d += ", " + origin
	}
	return d + "): events " + joinEvents(w.Events) + "; " + state
}

// audit records a webhook change. The URL is never in it (only its
// scheme and host), nor the secret.
func (s *Service) audit(ctx context.Context, actor audit.Actor, action, detail string) {
	if s.opts.Log == nil {
		return
	}
	e := audit.Entry{Kind: audit.KindEvent, Action: action, Outcome: audit.OutcomeOK}
	e.SetActor(actor)
	e.Detail = detail
	if err := s.opts.Log.Append(context.WithoutCancel(ctx), &e); err != nil {
		s.opts.Logger.Error("notify: audit append failed", "action", action, "err", err)
	}
}

const webhookCols = `w.id, w.name, w.url_hint, w.format, w.events, w.enabled, w.created_by, w.created_at_us, w.updated_at_us,
	(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending'),
	(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'failed')`

func scanWebhook(sc interface{ Scan(...any) error }) (Webhook, error) {
	var w Webhook
	var format, events string
	var created, updated int64
	if err := sc.Scan(&w.ID, &w.Name, &w.URLHint, &format, &events, &w.Enabled, &w.CreatedBy, &created, &updated,
		&w.Pending, &w.Failed); err != nil {
		return Webhook{}, err
	}
	w.Format, w.Events = Format(format), splitEvents(events)
	w.CreatedAt, w.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return w, nil
}

// Get returns one webhook.
func (s *Service) Get(ctx context.Context, id int64) (Webhook, error) {
	w, err := scanWebhook(s.db.QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks w WHERE w.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Webhook{}, ErrNotFound
	}
	if err != nil {
		return Webhook{}, fmt.Errorf("notify: get: %w", err)
	}
	return w, nil
}

// List returns every webhook, oldest first.
func (s *Service) List(ctx context.Context) ([]Webhook, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+webhookCols+` FROM webhooks w ORDER BY w.id`)
	if err != nil {
		return nil, fmt.Errorf("notify: list: %w", err)
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("notify: list: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
