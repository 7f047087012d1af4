package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// fakeAudit records appended entries in memory; only Append is used by auth.
type fakeAudit struct {
	mu      sync.Mutex
	entries []audit.Entry
	fail    error
}

func (f *fakeAudit) Append(_ context.Context, e *audit.Entry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	e.Seq = int64(len(f.entries) + 1)
	f.entries = append(f.entries, *e)
	return nil
}

func (f *fakeAudit) List(context.Context, audit.Filter, int64, int) (audit.Page, error) {
	return audit.Page{}, errors.New("not implemented")
}
func (f *fakeAudit) Get(context.Context, int64) (audit.Record, error) {
	return audit.Record{}, errors.New("not implemented")
}
func (f *fakeAudit) Export(context.Context, audit.Filter, func(audit.Record) error) error {
	return errors.New("not implemented")
}
func (f *fakeAudit) Verify(context.Context) (audit.VerifyReport, error) {
	return audit.VerifyReport{}, errors.New("not implemented")
}

// actions returns the recorded actions, in order.
func (f *fakeAudit) actions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.entries))
	for i, e := range f.entries {
		out[i] = e.Action
	}
	return out
}

func (f *fakeAudit) last(t *testing.T) audit.Entry {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.entries) == 0 {
		t.Fatal("nothing audited")
	}
	return f.entries[len(f.entries)-1]
}

// clock is a settable time source for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fastHash keeps tests quick; the real parameters are exercised in
// TestDefaultHashCost.
var fastHash = HashParams{Memory: 64, Time: 1, Threads: 1}

type env struct {
	svc   *Service
	audit *fakeAudit
	clock *clock
	db    *db.DB
}

func newEnv(t *testing.T, d db.Dialect, opts Options) *env {
	t.Helper()
	conn := dbtest.Open(t, d)
	e := &env{audit: &fakeAudit{}, clock: &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, db: conn}
	opts.Now = e.clock.Now
	if opts.Hash == (HashParams{}) {
		opts.Hash = fastHash
	}
	e.svc = NewService(conn, e.audit, opts)
	return e
}

// forEachDialect runs fn as a parallel subtest on SQLite and PostgreSQL.
func forEachDialect(t *testing.T, fn func(t *testing.T, d db.Dialect)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

var cliAdmin = audit.Actor{Name: "cli:test", Role: string(RoleAdmin)}

func (e *env) mustCreate(t *testing.T, name, password string, role Role) User {
	t.Helper()
	u, err := e.svc.Create(context.Background(), cliAdmin, name, password, role)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func TestRole(t *testing.T) {
	cases := []struct {
		r, min Role
		want   bool
	}{
		{RoleViewer, RoleViewer, true}, {RoleViewer, RoleOperator, false}, {RoleViewer, RoleAdmin, false},
		{RoleOperator, RoleViewer, true}, {RoleOperator, RoleOperator, true}, {RoleOperator, RoleAdmin, false},
		{RoleAdmin, RoleViewer, true}, {RoleAdmin, RoleAdmin, true},
		{"", RoleViewer, false}, {"root", RoleViewer, false}, {RoleAdmin, "", false},
	}
	for _, tc := range cases {
		if got := tc.r.Allows(tc.min); got != tc.want {
			t.Errorf("%q.Allows(%q) = %v", tc.r, tc.min, got)
		}
	}
	if r, err := ParseRole("operator"); err != nil || r != RoleOperator {
		t.Errorf("ParseRole: %v %v", r, err)
	}
	var ve *ValidationError
	if _, err := ParseRole("Admin"); !errors.As(err, &ve) || ve.Field != "role" {
		t.Errorf("ParseRole(Admin): %v", err)
	}
}
