package bulk_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// A preview lists the first 200 bad lines one by one and counts the rest:
// 200 are all listed, 201 are 200 listed and one more.
func TestBadLinesListedUpTo200(t *testing.T) {
	for _, tc := range []struct{ bad, listed, more int }{{200, 200, 0}, {201, 200, 1}, {250, 200, 50}} {
		lines := []string{"RoomId,MaxMemberCount"}
		for i := range tc.bad {
			lines = append(lines, fmt.Sprintf("room-%d,zero", i))
		}
		_, probs := bulk.Parse(bulk.Input{CSV: []byte(strings.Join(lines, "\n")), CSVName: "rooms.csv",
			Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
		if len(probs.Lines) != tc.listed || probs.More != tc.more {
			t.Errorf("%d bad lines: %d listed and %d more, want %d and %d", tc.bad, len(probs.Lines), probs.More, tc.listed, tc.more)
		}
	}
}

// A plan's source says how many rooms came from each input, naming the
// uploaded file (or "CSV" when it has no name).
func TestPlanSourceCountsEachInput(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"", "3 pasted, 2 from CSV"},
		{"rooms.csv", "3 pasted, 2 from rooms.csv"},
	} {
		plan, probs := bulk.Parse(bulk.Input{RoomIDs: "p-1, p-2\np-3", CSV: []byte("RoomId\nc-1\nc-2\n"), CSVName: tc.name,
			Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
		if probs.Any() || plan.Source != tc.want {
			t.Errorf("CSV named %q: source %q (problems %+v), want %q", tc.name, plan.Source, probs, tc.want)
		}
	}
}
