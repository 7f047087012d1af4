package catalogue_test

import (
	"context"
	"slices"
	"testing"

	"github.com/roomdesk/roomdesk/internal/catalogue"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// TestFirstCatalogueSearchMigrationIsRepaired: PostgreSQL migration 0022
// was changed after it was first merged, so a database that applied its
// first version has other indexes and no catalogue_tags, and its filtered
// searches fail. 0025 brings it to today's 0022.
func TestFirstCatalogueSearchMigrationIsRepaired(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	s := catalogue.New(d, catalogue.Options{})
	if err := s.Put(ctx, app, fixtureRooms(), rooms.SeenRead); err != nil {
		t.Fatal(err)
	}
	seven := 7
	q := catalogue.Query{App: app, Category: &seven}
	want, err := s.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	// The state the first 0022 left (its filter statements, verbatim), and
	// 0025 not yet applied.
	for _, stmt := range []string{
		`DROP INDEX catalogue_rooms_tags`,
		`DROP FUNCTION catalogue_tags(text, bigint, integer, integer, text, text, bigint)`,
		`CREATE INDEX catalogue_rooms_categories ON catalogue_rooms USING gin (string_to_array(trim(both ',' from categories), ','))`,
		`CREATE INDEX catalogue_rooms_filters ON catalogue_rooms (app, activity_status, seat_mode, muted, listed, presence, detail_at_us)`,
		`CREATE INDEX catalogue_rooms_presence ON catalogue_rooms (app, presence)`,
		`CREATE INDEX catalogue_rooms_flags ON catalogue_rooms (app, muted, listed, seat_mode, presence, detail_at_us)`,
		`DELETE FROM schema_migrations WHERE version = 25`,
	} {
		if _, err := d.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if _, err := s.Search(ctx, q); err == nil {
		t.Fatal("a filtered search worked without catalogue_tags: this test no longer shows the break it guards against")
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := s.Search(ctx, q)
	if err != nil || !slices.Equal(ids(got), ids(want)) || len(ids(want)) == 0 {
		t.Fatalf("after 0025: %q, %v; want %q", ids(got), err, ids(want))
	}
	var indexes []string
	rows, err := d.QueryContext(ctx, `SELECT indexname FROM pg_indexes WHERE tablename = 'catalogue_rooms' ORDER BY indexname`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, n)
	}
	for _, old := range []string{"catalogue_rooms_categories", "catalogue_rooms_filters", "catalogue_rooms_presence", "catalogue_rooms_flags"} {
		if slices.Contains(indexes, old) {
			t.Errorf("the first 0022's %s is still there: %q", old, indexes)
		}
	}
	if !slices.Contains(indexes, "catalogue_rooms_tags") {
		t.Errorf("no catalogue_rooms_tags: %q", indexes)
	}
}
