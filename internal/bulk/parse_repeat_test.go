package bulk_test

import (
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// A repeated field is validated on its last value; the plan (stored with
// the job, shown in its preview) keeps only that one, never the unchecked
// values before it.
func TestParseKeepsOnlyTheValidatedValue(t *testing.T) {
	junk := "\x1b[2J" + strings.Repeat("Z", 100_000)
	plan, probs := bulk.Parse(bulk.Input{RoomIDs: "live_1001", Change: []string{rooms.FieldNotice, rooms.FieldCategory},
		Values: rooms.Form{rooms.FieldNotice: {junk, "ok"}, rooms.FieldCategory: {"", "5", ""}}})
	if probs.Any() {
		t.Fatalf("problems: %+v", probs)
	}
	if got := plan.Common[rooms.FieldNotice]; len(got) != 1 || got[0] != "ok" {
		t.Errorf("Notice kept %d values, want only \"ok\"", len(got))
	}
	if got := plan.Common[rooms.FieldCategory]; len(got) != 1 || got[0] != "5" {
		t.Errorf("Category kept %q, want [5]", got)
	}
}
