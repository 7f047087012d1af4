package changeset_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/changeset"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// downLog is an audit log that refuses appends while down is set.
type downLog struct {
	audit.Store
	down bool
}

func (l *downLog) Append(ctx context.Context, e *audit.Entry) error {
	if l.down {
		return errors.New("audit log unreachable")
	}
	return l.Store.Append(ctx, e)
}

// A template saved or removed while the audit log cannot record it is
// undone and the call fails with rooms.ErrAuditUnavailable (the console's
// 503 "audit log unavailable"), as an edit does: no unrecorded change.
// Before, the save stayed and the removal stood, unaudited.
func TestUnrecordedSaveAndRemovalAreUndone(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			conn := dbtest.Open(t, d)
			log := &downLog{Store: sqlstore.New(conn)}
			at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			s := changeset.New(conn, log, func() time.Time { return at })
			ctx := context.Background()
			sale := rooms.Form{rooms.FieldNotice: {"Sale"}}

			log.down = true
			if _, err := s.Save(ctx, olga, "prod-cn", "Weekend", sale); !errors.Is(err, rooms.ErrAuditUnavailable) {
				t.Fatalf("save with the log down: %v", err)
			}
			if list, err := s.List(ctx, "prod-cn"); err != nil || len(list) != 0 {
				t.Fatalf("an unrecorded save stayed: %+v %v", list, err)
			}

			log.down = false
			kept, err := s.Save(ctx, olga, "prod-cn", "Weekend", sale)
			if err != nil {
				t.Fatal(err)
			}
			log.down = true
			if _, err := s.Delete(ctx, olga, "prod-cn", kept.ID); !errors.Is(err, rooms.ErrAuditUnavailable) {
				t.Fatalf("removal with the log down: %v", err)
			}
			back, err := s.Get(ctx, "prod-cn", kept.ID)
			if err != nil || back.Name != kept.Name || back.CreatedBy != kept.CreatedBy || !back.CreatedAt.Equal(kept.CreatedAt) ||
				!reflect.DeepEqual(back.Fields, kept.Fields) {
				t.Fatalf("after an unrecorded removal: %+v %v, want %+v", back, err, kept)
			}
			log.down = false
			if _, err := s.Save(ctx, otto, "prod-cn", "WEEKEND", sale); err == nil {
				t.Error("the restored template's name is free again")
			}
			if _, err := s.Delete(ctx, olga, "prod-cn", kept.ID); err != nil {
				t.Errorf("removing the restored template: %v", err)
			}
		})
	}
}
