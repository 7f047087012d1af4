// Package changeset keeps bulk templates: saved change sets for changes
// operators make often ("weekend sale": Notice and Category). A template
// is a name and the bulk form's field changes, never rooms, in one app;
// applying it pre-fills the bulk form, which previews and runs as ever.
// Saving and removing one is audited (template.save, template.delete); one
// the log cannot record is undone and fails with rooms.ErrAuditUnavailable,
// as an edit does. It knows nothing of
// HTTP or HTML.
package changeset

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// MaxName bounds a template's name in characters: a label for a list.
const MaxName = 60

// Template is one saved change set.
type Template struct {
	ID        int64
	App       string
	Name      string
	Fields    rooms.Form // the fields it sets, each with its value(s)
	CreatedBy string
	CreatedAt time.Time
}

// ValidationError is a template that cannot be saved, with a message for
// the person saving it: Message in English, ID and Data the same for a
// page in the reader's language (message id bulk.<ID>). Fields holds the
// field values that break the field table's rules, as the bulk form
// reports them.
type ValidationError struct {
	Message string
	ID      string
	Data    map[string]any
	Fields  rooms.Problems
}

func (e *ValidationError) Error() string { return "changeset: " + e.Message }

var (
	// ErrNotFound is an unknown template (or one of another app).
	ErrNotFound = errors.New("changeset: no such template")
	// ErrForbidden is removing someone else's template without being an admin.
	ErrForbidden = errors.New("changeset: only its creator or an admin may remove a template")
)

// Store keeps the templates on the database (SQLite or PostgreSQL).
type Store struct {
	db    *db.DB
	audit audit.Store
	now   func() time.Time
}

// New returns the store; now may be nil (time.Now).
func New(d *db.DB, log audit.Store, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: d, audit: log, now: now}
}

const cols = `id, app, name, fields, created_by, created_at_us`

// List is app's templates by name.
func (s *Store) List(ctx context.Context, app string) ([]Template, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+cols+` FROM bulk_templates WHERE app = $1 ORDER BY name_fold, id`, app)
	if err != nil {
		return nil, fmt.Errorf("changeset: list: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("changeset: list: %w", err)
	}
	return out, nil
}

// Get is one of app's templates.
func (s *Store) Get(ctx context.Context, app string, id int64) (Template, error) {
	t, err := scan(s.db.QueryRowContext(ctx, `SELECT `+cols+` FROM bulk_templates WHERE app = $1 AND id = $2`, app, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Template{}, ErrNotFound
	}
	return t, err
}

func scan(r interface{ Scan(...any) error }) (Template, error) {
	var t Template
	var fields string
	var at int64
	if err := r.Scan(&t.ID, &t.App, &t.Name, &fields, &t.CreatedBy, &at); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Template{}, err
		}
		return Template{}, fmt.Errorf("changeset: read: %w", err)
	}
	if err := json.Unmarshal([]byte(fields), &t.Fields); err != nil {
		return Template{}, fmt.Errorf("changeset: template %d: %w", t.ID, err)
	}
	t.CreatedAt = time.UnixMicro(at)
	return t, nil
}

// Clean is what Save would store: the name trimmed and the changes held
// to the bulk form's rules (the field table's), or why not.
func Clean(name string, fields rooms.Form) (string, rooms.Form, error) {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "", nil, &ValidationError{Message: "Give the template a name.", ID: "TplNameMissing"}
	case n > MaxName:
		return "", nil, &ValidationError{Message: fmt.Sprintf("A template name takes at most %d characters (this one has %d).", MaxName, n),
			ID: "TplNameLong", Data: map[string]any{"Max": MaxName, "Length": n}}
	}
	if msg := safetext.Check(name, "The name", false); msg != "" {
		return "", nil, &ValidationError{Message: msg, ID: "TplNameControl"}
	}
	kept := rooms.Form{}
	for _, f := range rooms.Fields { // only the table's fields, in its order
		if v, ok := fields[f]; ok {
			kept[f] = rooms.Read(f, v) // a repeated field's other values were never checked
		}
	}
	if len(kept) == 0 {
		return "", nil, &ValidationError{Message: "Choose at least one change to save as a template.", ID: "TplNothing"}
	}
	if _, probs := rooms.ValidateProblems(kept); len(probs) > 0 {
		return "", nil, &ValidationError{Message: "Some values are not valid; fix them before saving the template.", ID: "TplInvalid", Fields: probs}
	}
	return name, kept, nil
}

// Save stores fields as app's template called name, audited as
// template.save. A name already used in the app (as fold reads names) is
// refused.
func (s *Store) Save(ctx context.Context, actor audit.Actor, app, name string, fields rooms.Form) (Template, error) {
	name, fields, err := Clean(name, fields)
	if err != nil {
		return Template{}, err
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return Template{}, fmt.Errorf("changeset: save: %w", err)
	}
	t := Template{App: app, Name: name, Fields: fields, CreatedBy: safetext.Clip(actor.Name, safetext.DefaultMax), CreatedAt: s.now()}
	err = s.db.QueryRowContext(ctx, `INSERT INTO bulk_templates (app, name, name_fold, fields, created_by, created_at_us)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, app, name, fold(name), string(raw), t.CreatedBy, t.CreatedAt.UnixMicro()).Scan(&t.ID)
	if db.IsUniqueViolation(err) {
		return Template{}, &ValidationError{Message: fmt.Sprintf("There is already a template called %q in this app; choose another name or remove that one first.", name),
			ID: "TplDuplicate", Data: map[string]any{"Name": name}}
	}
	if err != nil {
		return Template{}, fmt.Errorf("changeset: save: %w", err)
	}
	if err := s.record(ctx, actor, t, false); err != nil {
		// Unrecorded, it must not stay: take it out again.
		if _, derr := s.db.ExecContext(context.WithoutCancel(ctx), `DELETE FROM bulk_templates WHERE id = $1`, t.ID); derr != nil {
			err = errors.Join(err, derr)
		}
		return Template{}, err
	}
	return t, nil
}

// Delete removes one of app's templates, audited as template.delete (the
// change set's values before, none after). Its creator or an admin only.
func (s *Store) Delete(ctx context.Context, actor audit.Actor, app string, id int64) (Template, error) {
	t, err := s.Get(ctx, app, id)
	if err != nil {
		return Template{}, err
	}
	if t.CreatedBy != actor.Name && !strings.EqualFold(actor.Role, "admin") {
		return Template{}, ErrForbidden
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM bulk_templates WHERE app = $1 AND id = $2`, app, id)
	if err != nil {
		return Template{}, fmt.Errorf("changeset: delete: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Template{}, ErrNotFound // removed by someone else meanwhile
	}
	if err := s.record(ctx, actor, t, true); err != nil {
		// An unrecorded removal must not happen: put the row back as it was.
		return Template{}, errors.Join(err, s.restore(context.WithoutCancel(ctx), t))
	}
	return t, nil
}

// restore puts back a template removed without an audit entry, under its id.
func (s *Store) restore(ctx context.Context, t Template) error {
	raw, err := json.Marshal(t.Fields)
	if err != nil {
		return err
	}
	override := "" // PostgreSQL's id is GENERATED ALWAYS
	if s.db.Dialect == db.Postgres {
		override = "OVERRIDING SYSTEM VALUE "
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO bulk_templates (id, app, name, name_fold, fields, created_by, created_at_us) `+override+
		`VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.App, t.Name, fold(t.Name), string(raw), t.CreatedBy, t.CreatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("changeset: template %d removed unrecorded, not restored: %w", t.ID, err)
	}
	return nil
}

// record audits a template saved or removed: one change per field, its
// value after saving (or before removing).
func (s *Store) record(ctx context.Context, actor audit.Actor, t Template, removed bool) error {
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionTemplateSave, Outcome: audit.OutcomeOK, App: t.App,
		Detail: fmt.Sprintf("bulk template %q saved", t.Name)}
	if removed {
		e.Action, e.Detail = audit.ActionTemplateDelete, fmt.Sprintf("bulk template %q removed", t.Name)
	}
	for _, f := range rooms.Fields {
		if v, ok := t.Fields[f]; ok {
			text, _ := rooms.AuditText(f, v)
			c := audit.Change{Field: f, After: text}
			if removed {
				c = audit.Change{Field: f, Before: text}
			}
			e.Changes = append(e.Changes, c)
		}
	}
	e.SetActor(actor)
	e.UserAgent = safetext.Clip(e.UserAgent, safetext.DefaultMax)
	if err := s.audit.Append(context.WithoutCancel(ctx), &e); err != nil {
		return fmt.Errorf("changeset: %w: %w", rooms.ErrAuditUnavailable, err)
	}
	return nil
}

// fold is a name as duplicates are found: what reads as the same name is
// the same name. Case does not make a new one (full case folding: "STRASSE"
// is "Straße"), nor does how a character is encoded (NFKC: "Cafe\u0301" is
// "Café", fullwidth "Ｗｅｅｋｅｎｄ" is "Weekend"), nor an invisible format
// character (U+200B, U+FEFF, soft hyphen…), which a list shows as nothing.
func fold(name string) string {
	visible := strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	// A Caser is not safe for concurrent use: one per call.
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(visible)))
}
