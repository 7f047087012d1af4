package catalogue_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// The bulk preview reads its first 20 rooms from the catalogue: one
// GetMany against 20 Gets, on 10,000 catalogued rooms (compare the two
// sub-benchmarks of one run, as ratios: the machine is shared).
func BenchmarkPreviewLookup(b *testing.B) {
	for _, d := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			if d == db.Postgres && testing.Short() {
				b.Skip("PostgreSQL under -short")
			}
			s := catalogue.New(dbtest.Open(b, d), catalogue.Options{})
			ctx := context.Background()
			list := make([]tencent.RoomInfo, 10_000)
			for i := range list {
				list[i] = room(fmt.Sprintf("live_%05d", i), fmt.Sprintf("Room %d", i), int64(i))
			}
			if err := s.Put(ctx, app, list, rooms.SeenRead); err != nil {
				b.Fatal(err)
			}
			ids := make([]string, 20)
			for i := range ids {
				ids[i] = fmt.Sprintf("live_%05d", i*499)
			}
			b.Run("GetMany20", func(b *testing.B) {
				for b.Loop() {
					if got, err := s.GetMany(ctx, app, ids); err != nil || len(got) != 20 {
						b.Fatal(len(got), err)
					}
				}
			})
			b.Run("Get×20", func(b *testing.B) {
				for b.Loop() {
					for _, id := range ids {
						if _, ok, err := s.Get(ctx, app, id); err != nil || !ok {
							b.Fatal(ok, err)
						}
					}
				}
			})
		})
	}
}
