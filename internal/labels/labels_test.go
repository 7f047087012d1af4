package labels

import (
	"context"
	"errors"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

var admin = audit.Actor{Name: "ada", Role: "admin", IP: "192.0.2.1"}

// TestSetNamesRenamesAndRemoves walks one code through named, renamed,
// unchanged and removed, on both dialects, and reads the audit row of
// each step that changed something.
func TestSetNamesRenamesAndRemoves(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			conn := dbtest.Open(t, d)
			log := sqlstore.New(conn)
			s := New(conn, log, nil)
			ctx := context.Background()
			steps := []struct {
				name, want string
				changed    bool
				detail     string
			}{
				{"  Music ", "Music", true, `category 7 named "Music"`},
				{"Music", "Music", false, ""},
				{"音乐", "音乐", true, `category 7 renamed "Music" → "音乐"`},
				{"", "", true, `category 7 no longer named (was "音乐")`},
			}
			for _, st := range steps {
				changed, err := s.Set(ctx, admin, "prod-cn", Category, 7, st.name)
				if err != nil || changed != st.changed {
					t.Fatalf("set %q: changed %v, %v", st.name, changed, err)
				}
				n, err := s.Names(ctx, "prod-cn")
				if err != nil || n.Category[7] != st.want {
					t.Fatalf("after %q: %q, %v", st.name, n.Category[7], err)
				}
				if other, _ := s.Names(ctx, "prod-sg"); len(other.Category) != 0 {
					t.Fatalf("another app got a name: %v", other)
				}
				if !st.changed {
					continue
				}
				page, err := log.List(ctx, audit.Filter{Action: audit.ActionLabelsUpdate}, 0, 1)
				if err != nil || len(page.Records) != 1 {
					t.Fatalf("audit: %v %v", page, err)
				}
				e := page.Records[0].Entry
				if e.Detail != st.detail || e.App != "prod-cn" || e.Actor != "ada" || len(e.Changes) != 1 || e.Changes[0].Field != "category 7" {
					t.Errorf("audit row: %+v", e)
				}
			}
			page, _ := log.List(ctx, audit.Filter{Action: audit.ActionLabelsUpdate}, 0, 10)
			if len(page.Records) != 3 {
				t.Errorf("audit rows: %d, want 3 (the unchanged step writes none)", len(page.Records))
			}
			if _, err := s.Set(ctx, admin, "prod-cn", Activity, 2, "Live now"); err != nil {
				t.Fatal(err)
			}
			all, err := s.All(ctx)
			if err != nil || all["prod-cn"].Activity[2] != "Live now" || len(all["prod-cn"].Category) != 0 {
				t.Errorf("all: %v %v", all, err)
			}
		})
	}
}

// TestSetRefuses covers what must change nothing: a non-admin, a control
// character, an over-long name, an unknown kind.
func TestSetRefuses(t *testing.T) {
	conn := dbtest.Open(t, "sqlite")
	log := sqlstore.New(conn)
	s := New(conn, log, nil)
	ctx := context.Background()
	long := ""
	for range MaxName + 1 {
		long += "é"
	}
	for _, tc := range []struct {
		name  string
		actor audit.Actor
		kind  Kind
		label string
	}{
		{"operator", audit.Actor{Name: "op", Role: "operator"}, Category, "Music"},
		{"control", admin, Category, "Mu\u202esic"},
		{"long", admin, Category, long},
		{"kind", admin, Kind("colour"), "Red"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Set(ctx, tc.actor, "a", tc.kind, 1, tc.label)
			var ve *ValidationError
			if !errors.As(err, &ve) && !errors.Is(err, ErrForbidden) {
				t.Fatalf("err %v", err)
			}
		})
	}
	if n, _ := s.Names(ctx, "a"); len(n.Category)+len(n.Activity) != 0 {
		t.Errorf("names stored: %v", n)
	}
	if page, _ := log.List(ctx, audit.Filter{}, 0, 10); len(page.Records) != 0 {
		t.Errorf("audit rows: %d", len(page.Records))
	}
	for _, bad := range []string{"", "x", "2147483648", "1.5"} {
		if _, err := ParseCode(bad); err == nil {
			t.Errorf("code %q accepted", bad)
		}
	}
}

// TestAllIsKeptBriefly: All's answer is reused, a change made through the
// same Store shows at once, and one made by another instance (another
// Store on the same database) shows once the kept answer is too old.
func TestAllIsKeptBriefly(t *testing.T) {
	conn := dbtest.Open(t, dbtest.Dialects[0])
	log := sqlstore.New(conn)
	here, there := New(conn, log, nil), New(conn, log, nil)
	ctx := context.Background()
	music := func(s *Store) string {
		t.Helper()
		all, err := s.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return all["prod-cn"].Category[7]
	}
	if got := music(here); got != "" {
		t.Fatalf("before any name: %q", got)
	}
	if _, err := there.Set(ctx, admin, "prod-cn", Category, 7, "Music"); err != nil {
		t.Fatal(err)
	}
	if got := music(there); got != "Music" {
		t.Errorf("the instance that named it reads %q", got)
	}
	if got := music(here); got != "" {
		t.Errorf("another instance read %q within its kept answer's time: All is not reusing it", got)
	}
	here.mu.Lock()
	here.cachedAt = here.cachedAt.Add(-here.cacheFor)
	here.mu.Unlock()
	if got := music(here); got != "Music" {
		t.Errorf("another instance, after its kept answer is too old: %q", got)
	}
	if _, err := here.Set(ctx, admin, "prod-cn", Category, 7, "音乐"); err != nil {
		t.Fatal(err)
	}
	if got := music(here); got != "音乐" {
		t.Errorf("after renaming here: %q", got)
	}
}
