package history_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
	"github.com/roomdesk/roomdesk/internal/emulator"
)

// An accepted update moves the baseline to the room's new state in the
// transaction of its result row: a later change back to the old value,
// made elsewhere, is then a change made outside (with a baseline left at
// the old value it would look like no change at all).
func TestAcceptedUpdateMovesTheBaseline(t *testing.T) {
	eachDialect(t, func(t *testing.T, d db.Dialect) {
		f := newFixture(t, dbtest.Open(t, d), nil)
		res := f.edit(t, "RoomName", "Ramen Night")
		if res.Outcome != audit.OutcomeOK {
			t.Fatalf("edit: %+v", res)
		}
		fields, seenSeq := f.baseline(t)
		if fields["RoomName"] != `"Ramen Night"` {
			t.Fatalf("baseline RoomName = %s after the update, want \"Ramen Night\"", fields["RoomName"])
		}
		if seenSeq < res.IntentSeq {
			t.Fatalf("baseline seen_seq %d is before the update's intent %d, which would explain later changes", seenSeq, res.IntentSeq)
		}
		f.outsideEdit(t, func(r *emulator.Room) { r.RoomName = "Friday Karaoke" })
		f.get(t)
		got := f.outside(t)
		if len(got) != 1 || got[0].Entry.Changes[0].Before != `"Ramen Night"` || got[0].Entry.Changes[0].After != `"Friday Karaoke"` {
			t.Fatalf("change back made outside: %+v, want one event Ramen Night → Friday Karaoke", got)
		}
	})
}

// A baseline that cannot be written does not cost the update its result
// row; the next read explains the difference by the update's intent.
func TestBaselineFailureKeepsTheResult(t *testing.T) {
	eachDialect(t, func(t *testing.T, d db.Dialect) {
		dbh := dbtest.Open(t, d)
		f := newFixture(t, dbh, nil)
		f.get(t)
		restore := refuseBaselines(t, dbh)
		res := f.edit(t, "Notice", "Closed today")
		if res.Outcome != audit.OutcomeOK || res.Warning != "" {
			t.Fatalf("edit with the baselines refusing writes: %+v", res)
		}
		p, err := f.log.List(context.Background(), audit.Filter{RoomID: roomID}, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Records) == 0 || p.Records[0].Entry.Seq != res.IntentSeq || p.Records[0].Outcome() != audit.OutcomeOK {
			t.Fatalf("newest record %+v, want the edit's intent %d answered OK", p.Records, res.IntentSeq)
		}
		if fields, _ := f.baseline(t); fields["Notice"] != `"Be kind"` {
			t.Fatalf("baseline Notice = %s, want it left at \"Be kind\"", fields["Notice"])
		}
		restore()
		f.get(t)
		if got := f.outside(t); len(got) != 0 {
			t.Fatalf("roomdesk's own update recorded as outside: %+v", got[0].Entry)
		}
		if fields, _ := f.baseline(t); fields["Notice"] != `"Closed today"` {
			t.Fatalf("baseline Notice = %s after the next read, want \"Closed today\"", fields["Notice"])
		}
	})
}

func (f *fixture) baseline(t *testing.T) (map[string]string, int64) {
	t.Helper()
	var raw string
	var seen int64
	if err := f.d.QueryRowContext(context.Background(), `SELECT fields, seen_seq FROM room_baselines
		WHERE app = $1 AND room_id = $2`, appID, roomID).Scan(&raw, &seen); err != nil {
		t.Fatal(err)
	}
	var fields map[string]string
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		t.Fatal(err)
	}
	return fields, seen
}

// refuseBaselines makes every write to room_baselines fail, from triggers
// in the database itself; the returned func drops them.
func refuseBaselines(t *testing.T, d *db.DB) (restore func()) {
	t.Helper()
	ctx := context.Background()
	install := []string{
		`CREATE TRIGGER refuse_baseline_ins BEFORE INSERT ON room_baselines BEGIN SELECT RAISE(ABORT, 'baselines refuse writes'); END`,
		`CREATE TRIGGER refuse_baseline_upd BEFORE UPDATE ON room_baselines BEGIN SELECT RAISE(ABORT, 'baselines refuse writes'); END`}
	drop := []string{`DROP TRIGGER refuse_baseline_ins`, `DROP TRIGGER refuse_baseline_upd`}
	if d.Dialect == db.Postgres {
		install = []string{`CREATE OR REPLACE FUNCTION refuse_baseline() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN RAISE EXCEPTION 'baselines refuse writes'; END $$`,
			`CREATE TRIGGER refuse_baseline BEFORE INSERT OR UPDATE ON room_baselines FOR EACH ROW EXECUTE FUNCTION refuse_baseline()`}
		drop = []string{`DROP TRIGGER refuse_baseline ON room_baselines`}
	}
	for _, q := range install {
		if _, err := d.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		for _, q := range drop {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
}
