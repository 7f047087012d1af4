package changeset_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/changeset"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

var (
	olga  = audit.Actor{Name: "olga", Role: "operator", IP: "192.0.2.1"}
	otto  = audit.Actor{Name: "otto", Role: "operator"}
	admin = audit.Actor{Name: "ada", Role: "admin"}
)

// TestSaveListApplyDelete walks templates through both dialects: saved
// (trimmed, only the table's fields), listed per app by name, refused as
// a duplicate name in the same app (any case) but not in another, removed
// by its creator or an admin only, and every save and removal audited.
func TestSaveListApplyDelete(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			conn := dbtest.Open(t, d)
			log := sqlstore.New(conn)
			at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			s := changeset.New(conn, log, func() time.Time { return at })
			ctx := context.Background()

			sale := rooms.Form{"Notice": {"Sale tonight"}, "Category": {"4", "7", ""}, "IsPublicVisible": {"true"}, "Bogus": {"x"}}
			got, err := s.Save(ctx, olga, "prod-cn", "  Weekend sale ", sale)
			if err != nil {
				t.Fatal(err)
			}
			want := rooms.Form{"Notice": {"Sale tonight"}, "Category": {"4", "7"}, "IsPublicVisible": {"true"}}
			if got.Name != "Weekend sale" || !reflect.DeepEqual(got.Fields, want) || got.CreatedBy != "olga" || got.ID == 0 {
				t.Fatalf("saved %+v", got)
			}
			if _, err := s.Save(ctx, otto, "prod-cn", "Another", rooms.Form{"RoomName": {"Quiz"}}); err != nil {
				t.Fatal(err)
			}
			list, err := s.List(ctx, "prod-cn")
			if err != nil || len(list) != 2 || list[0].Name != "Another" || list[1].Name != "Weekend sale" {
				t.Fatalf("list %+v %v", list, err)
			}
			if back, err := s.Get(ctx, "prod-cn", got.ID); err != nil || !reflect.DeepEqual(back.Fields, want) || !back.CreatedAt.Equal(at) {
				t.Errorf("get %+v %v", back, err)
			}
			if _, err := s.Get(ctx, "prod-sg", got.ID); !errors.Is(err, changeset.ErrNotFound) {
				t.Errorf("another app's template: %v", err)
			}

			var ve *changeset.ValidationError
			if _, err := s.Save(ctx, otto, "prod-cn", "WEEKEND SALE", rooms.Form{"Notice": {"x"}}); !errors.As(err, &ve) || ve.ID != "TplDuplicate" {
				t.Errorf("a duplicate name: %v", err)
			}
			if _, err := s.Save(ctx, otto, "prod-sg", "Weekend sale", rooms.Form{"Notice": {"x"}}); err != nil {
				t.Errorf("the same name in another app: %v", err)
			}

			if _, err := s.Delete(ctx, otto, "prod-cn", got.ID); !errors.Is(err, changeset.ErrForbidden) {
				t.Errorf("someone else's template removed: %v", err)
			}
			if _, err := s.Delete(ctx, olga, "prod-cn", got.ID); err != nil {
				t.Errorf("own template: %v", err)
			}
			if _, err := s.Delete(ctx, olga, "prod-cn", got.ID); !errors.Is(err, changeset.ErrNotFound) {
				t.Errorf("removed twice: %v", err)
			}
			if _, err := s.Delete(ctx, admin, "prod-cn", list[0].ID); err != nil {
				t.Errorf("an admin removing another's template: %v", err)
			}

			saved, _ := log.List(ctx, audit.Filter{Action: audit.ActionTemplateSave}, 0, 10)
			removed, _ := log.List(ctx, audit.Filter{Action: audit.ActionTemplateDelete}, 0, 10)
			if len(saved.Records) != 3 || len(removed.Records) != 2 {
				t.Fatalf("audit: %d saved, %d removed", len(saved.Records), len(removed.Records))
			}
			first := saved.Records[len(saved.Records)-1].Entry
			if first.Actor != "olga" || first.App != "prod-cn" || !strings.Contains(first.Detail, `"Weekend sale"`) || len(first.Changes) != 3 ||
				first.Changes[0] != (audit.Change{Field: "Category", After: "[4,7]"}) {
				t.Errorf("save audit row %+v", first)
			}
			last := removed.Records[len(removed.Records)-1].Entry
			if last.Actor != "olga" || last.Changes[0].Before != "[4,7]" || last.Changes[0].After != "" {
				t.Errorf("removal audit row %+v", last)
			}
		})
	}
}

// Clean holds a template to the bulk form's rules.
func TestCleanRefuses(t *testing.T) {
	cases := []struct {
		name   string
		fields rooms.Form
		id     string
	}{
		{"  ", rooms.Form{"Notice": {"x"}}, "TplNameMissing"},
		{strings.Repeat("n", changeset.MaxName+1), rooms.Form{"Notice": {"x"}}, "TplNameLong"},
		{"bad\u202ename", rooms.Form{"Notice": {"x"}}, "TplNameControl"},
		{"empty", rooms.Form{"Bogus": {"x"}}, "TplNothing"},
		{"invalid", rooms.Form{"MaxMemberCount": {"zero"}, "IsPublicVisible": {""}}, "TplInvalid"},
	}
	for _, c := range cases {
		_, _, err := changeset.Clean(c.name, c.fields)
		var ve *changeset.ValidationError
		if !errors.As(err, &ve) || ve.ID != c.id {
			t.Errorf("%q %v: %v, want %s", c.name, c.fields, err, c.id)
		}
	}
	_, _, err := changeset.Clean("invalid", rooms.Form{"MaxMemberCount": {"zero"}})
	var ve *changeset.ValidationError
	if errors.As(err, &ve) && ve.Fields[rooms.FieldMaxMemberCount].Text == "" {
		t.Errorf("the field's problem is not named: %+v", ve)
	}
}
