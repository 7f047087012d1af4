// Package labels keeps the names admins give an app's codes: category
// numbers and ActivityStatus codes mean whatever the app says they mean,
// so roomdesk cannot know them, but people read "Music (7)" far better than
// 7. Names live in the database per app (table code_labels) and every
// change is an audit event (labels.update).
package labels

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// Kind is what a code is.
type Kind string

const (
	Category Kind = "category" // a number in a room's Category list
	Activity Kind = "activity" // a room's ActivityStatus
)

// Kinds lists the kinds in the order pages show them.
var Kinds = []Kind{Category, Activity}

// MaxName bounds a name in characters: a label, not a description.
const MaxName = 40

// Names are one app's named codes.
type Names struct {
	Category map[int]string
	Activity map[int]string
}

// Of is the names of one kind.
func (n Names) Of(k Kind) map[int]string {
	if k == Activity {
		return n.Activity
	}
	return n.Category
}

// Codes are the named codes of one kind, in ascending order.
func (n Names) Codes(k Kind) []int {
	m := n.Of(k)
	out := make([]int, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

// ValidationError is a name or code that cannot be stored, with a message
// for the person who typed it: Message in English (logs, the CLI), ID and
// Data the same for a page in the reader's language (message id daily.<ID>).
type ValidationError struct {
	Message string
	ID      string
	Data    map[string]any
}

func (e *ValidationError) Error() string { return "labels: " + e.Message }

// ErrForbidden is a change by someone who is not an admin.
var ErrForbidden = errors.New("labels: only admins name codes")

// Store reads and changes the names.
type Store struct {
	db    *db.DB
	audit audit.Store
	now   func() time.Time

	// Every page in an app names its codes, so All runs on every request,
	// and the names change rarely (an admin on /admin/labels). The last
	// read is kept for cacheFor: a change made through this Store drops it
	// at once; one made by another instance shows here within cacheFor.
	mu       sync.Mutex
	cacheFor time.Duration // defaultCacheFor
	cached   map[string]Names
	cachedAt time.Time
	gen      uint64 // counts changes, so a read that raced one is not kept
}

// defaultCacheFor is how long All's answer is reused: another instance's
// change to a name shows on this one's pages within it.
const defaultCacheFor = 2 * time.Second

// New returns the store; now may be nil (time.Now).
func New(d *db.DB, log audit.Store, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: d, audit: log, now: now, cacheFor: defaultCacheFor}
}

// Names are app's names (empty maps when there are none).
func (s *Store) Names(ctx context.Context, app string) (Names, error) {
	all, err := s.load(ctx, `WHERE app = $1`, app)
	if err != nil {
		return Names{}, err
	}
	if n, ok := all[app]; ok {
		return n, nil
	}
	return empty(), nil
}

// All are the names of every app that has any, by app id: the audit log
// spans the apps. The maps are shared (see Store.cacheFor): read them, never
// change them.
func (s *Store) All(ctx context.Context) (map[string]Names, error) {
	s.mu.Lock()
	all, fresh, gen := s.cached, time.Since(s.cachedAt) < s.cacheFor, s.gen
	s.mu.Unlock()
	if all != nil && fresh {
		return all, nil
	}
	all, err := s.load(ctx, "")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.gen == gen {
		s.cached, s.cachedAt = all, time.Now()
	}
	s.mu.Unlock()
	return all, nil
}

// changed drops the cached names after a change has been written.
func (s *Store) changed() {
	s.mu.Lock()
	s.gen++
	s.cached = nil
	s.mu.Unlock()
}

func empty() Names { return Names{Category: map[int]string{}, Activity: map[int]string{}} }

func (s *Store) load(ctx context.Context, where string, args ...any) (map[string]Names, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT app, kind, code, name FROM code_labels `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("labels: read: %w", err)
	}
	defer rows.Close()
	out := map[string]Names{}
	for rows.Next() {
		var app, kind, name string
		var code int64
		if err := rows.Scan(&app, &kind, &code, &name); err != nil {
			return nil, fmt.Errorf("labels: read: %w", err)
		}
		n, ok := out[app]
		if !ok {
			n = empty()
			out[app] = n
		}
		n.Of(Kind(kind))[int(code)] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("labels: read: %w", err)
	}
	return out, nil
}

// ParseKind reads a kind as the form sends it.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case Category, Activity:
		return k, nil
	}
	v := safetext.Clip(s, 40)
	return "", &ValidationError{Message: fmt.Sprintf("%q is neither category nor activity.", v),
		ID: "ErrKind", Data: map[string]any{"Value": v}}
}

// ParseCode reads a code: a 32-bit whole number, as the room fields take.
func ParseCode(s string) (int, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err != nil {
		v := safetext.Clip(strings.TrimSpace(s), 40)
		return 0, &ValidationError{Message: fmt.Sprintf("The code must be a whole number between -2147483648 and 2147483647 (got %q).", v),
			ID: "ErrCode", Data: map[string]any{"Value": v}}
	}
	return int(n), nil
}

// cleanName trims a name and checks it; "" (remove the name) is allowed.
func cleanName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if msg := safetext.Check(s, "The name", false); msg != "" {
		return "", &ValidationError{Message: msg, ID: "ErrNameControl", Data: map[string]any{"Char": firstControl(s)}}
	}
	if n := utf8.RuneCountInString(s); n > MaxName {
		return "", &ValidationError{Message: fmt.Sprintf("A name takes at most %d characters (this one has %d).", MaxName, n),
			ID: "ErrNameLong", Data: map[string]any{"Max": MaxName, "Length": n}}
	}
	return s, nil
}

// firstControl names the first character safetext.Check refuses.
func firstControl(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || safetext.IsControl(r) {
			return safetext.Name(r)
		}
	}
	return ""
}

// Set names code of kind in app, or removes its name when name is blank,
// and audits the change (before and after) as labels.update. Setting the
// name it already has changes nothing and writes no row. Admins only.
func (s *Store) Set(ctx context.Context, actor audit.Actor, app string, kind Kind, code int, name string) (changed bool, err error) {
	if !strings.EqualFold(actor.Role, "admin") {
		return false, ErrForbidden
	}
	if _, err := ParseKind(string(kind)); err != nil {
		return false, err
	}
	if name, err = cleanName(name); err != nil {
		return false, err
	}
	before, err := s.name(ctx, app, kind, code)
	if err != nil {
		return false, err
	}
	if before == name {
		return false, nil
	}
	q, args := `DELETE FROM code_labels WHERE app = $1 AND kind = $2 AND code = $3`, []any{app, string(kind), int64(code)}
	if name != "" {
		q = `INSERT INTO code_labels (app, kind, code, name, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (app, kind, code) DO UPDATE SET name = excluded.name,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`
		args = append(args, name, s.now().UnixMicro(), safetext.Clip(actor.Name, safetext.DefaultMax))
	}
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return false, fmt.Errorf("labels: set: %w", err)
	}
	s.changed()
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionLabelsUpdate, Outcome: audit.OutcomeOK, App: app,
		Changes: []audit.Change{{Field: string(kind) + " " + strconv.Itoa(code), Before: jsonText(before), After: jsonText(name)}},
		Detail:  describe(kind, code, before, name)}
	e.SetActor(actor)
	e.UserAgent = safetext.Clip(e.UserAgent, safetext.DefaultMax)
	if err := s.audit.Append(context.WithoutCancel(ctx), &e); err != nil {
		return true, fmt.Errorf("labels: audit: %w", err)
	}
	return true, nil
}

func (s *Store) name(ctx context.Context, app string, kind Kind, code int) (string, error) {
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT name FROM code_labels WHERE app = $1 AND kind = $2 AND code = $3`,
		app, string(kind), int64(code)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("labels: read: %w", err)
	}
	return name, nil
}

// jsonText is a name as an audit change holds it: JSON text, "" for none.
func jsonText(name string) string {
	if name == "" {
		return ""
	}
	return strconv.Quote(name)
}

func describe(kind Kind, code int, before, after string) string {
	what := "category " + strconv.Itoa(code)
	if kind == Activity {
		what = "activity status " + strconv.Itoa(code)
	}
	switch {
	case before == "":
		return fmt.Sprintf("%s named %q", what, after)
	case after == "":
		return fmt.Sprintf("%s no longer named (was %q)", what, before)
	}
	return fmt.Sprintf("%s renamed %q → %q", what, before, after)
}
