package bulk_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

// The room count is bounded before anything is parsed, by counting items:
// ticked rooms plus pasted items (the last one counted without a line break
// after it), duplicates included. A list that dedups to one room is still
// refused when it names more than MaxRooms items, and MaxRooms ticked rooms
// are exactly one job (one more is refused unread).
func TestRoomCountCountsEveryItem(t *testing.T) {
	selected := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("s-%d", i)
		}
		return out
	}
	same := func(n int) string { return strings.Repeat("r-0\n", n) }
	for _, tc := range []struct {
		what string
		in   bulk.Input
		want bool
	}{
		{"MaxRooms ticked", bulk.Input{Selected: selected(bulk.MaxRooms)}, false},
		{"MaxRooms+1 ticked", bulk.Input{Selected: selected(bulk.MaxRooms + 1)}, true},
		{"one ticked and MaxRooms pasted items of one room", bulk.Input{Selected: []string{"r-0"}, RoomIDs: same(bulk.MaxRooms)}, true},
		{"one ticked and MaxRooms-1 pasted items of one room", bulk.Input{Selected: []string{"r-0"}, RoomIDs: same(bulk.MaxRooms - 1)}, false},
		{"MaxRooms pasted items, the last without a line break", bulk.Input{RoomIDs: same(bulk.MaxRooms-1) + "r-0"}, false},
		{"MaxRooms+1 pasted items, the last without a line break", bulk.Input{RoomIDs: same(bulk.MaxRooms) + "r-0"}, true},
	} {
		tc.in.Change, tc.in.Values = []string{rooms.FieldNotice}, rooms.Form{rooms.FieldNotice: {"hi"}}
		plan, probs := bulk.Parse(tc.in)
		if refused := len(probs.General) > 0; refused != tc.want || (!tc.want && probs.Any()) {
			t.Errorf("%s: refused: %v, want %v (%d rows, problems %+v)", tc.what, refused, tc.want, len(plan.Rows), probs)
		} else if refused && !strings.Contains(probs.General[0], "more than one job takes") {
			// The count is the reason, whichever input brought it: not the size.
			t.Errorf("%s: refused for %q, want the room count", tc.what, probs.General[0])
		}
	}
}

// Each input's count is its own rooms: the CSV's does not include the
// ticked and pasted rooms read before it.
func TestPlanFromCountsEachInputApart(t *testing.T) {
	plan, probs := bulk.Parse(bulk.Input{Selected: []string{"s-1", "s-2"}, RoomIDs: "p-1\np-2\np-3",
		CSV: []byte("RoomId\nc-1\nc-2\n"), CSVName: "rooms.csv",
		Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
	want := bulk.From{Selected: 2, Pasted: 3, CSV: 2, CSVName: "rooms.csv"}
	if probs.Any() || plan.From != want {
		t.Errorf("from %+v (problems %+v), want %+v", plan.From, probs, want)
	}
}

// A ticked field with no input at all clears it, the way the single edit's
// form says so for a blank input: a text field is one empty value, the
// categories are none ([], never [""]).
func TestTickedFieldWithoutInputIsBlank(t *testing.T) {
	plan, probs := bulk.Parse(bulk.Input{RoomIDs: "r-1",
		Change: []string{rooms.FieldNotice, rooms.FieldCategory}, Values: rooms.Form{}})
	want := rooms.Form{rooms.FieldNotice: {""}, rooms.FieldCategory: {}}
	if probs.Any() || !reflect.DeepEqual(plan.Common, want) {
		t.Errorf("common %#v (problems %+v), want %#v", plan.Common, probs, want)
	}
}

// A CSV row without cells of its own shares the plan's Common map, as Row
// says (20,000 rows, one map); a row with cells has its own.
func TestCSVRowWithoutCellsSharesCommon(t *testing.T) {
	plan, probs := bulk.Parse(bulk.Input{CSV: []byte("RoomId,RoomName\nr-1,\nr-2,own\n"),
		Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
	if probs.Any() || len(plan.Rows) != 2 {
		t.Fatalf("rows %+v, problems %+v", plan.Rows, probs)
	}
	ptr := func(f rooms.Form) uintptr { return reflect.ValueOf(f).Pointer() }
	if ptr(plan.Rows[0].Fields) != ptr(plan.Common) {
		t.Errorf("row without cells: a map of its own %v, want the plan's Common", plan.Rows[0].Fields)
	}
	if ptr(plan.Rows[1].Fields) == ptr(plan.Common) || plan.Rows[1].Fields.Get(rooms.FieldRoomName) != "own" ||
		plan.Common.Has(rooms.FieldRoomName) {
		t.Errorf("row with a cell: %v, common %v", plan.Rows[1].Fields, plan.Common)
	}
}
