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

// Input of exactly MaxInputBytes is read; one byte more is refused unread.
func TestInputSizeLimitAtItsEdge(t *testing.T) {
	over := func(probs bulk.Problems) bool {
		return len(probs.General) > 0 && strings.Contains(strings.Join(probs.General, " "), "MB; split it")
	}
	for _, size := range []int{bulk.MaxInputBytes, bulk.MaxInputBytes + 1} {
		id := strings.Repeat("a", size)
		_, pastedProbs := bulk.Parse(bulk.Input{RoomIDs: id, Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
		_, csvProbs := bulk.Parse(bulk.Input{CSV: []byte("RoomId\n" + id[7:]), Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
		want := size > bulk.MaxInputBytes
		if over(pastedProbs) != want || over(csvProbs) != want {
			t.Errorf("%d bytes: refused as too big: pasted %v, CSV %v; want %v", size, over(pastedProbs), over(csvProbs), want)
		}
	}
}

// With no field ticked, each CSV row must bring values of its own: the
// rows without any are the ones listed, not the others.
func TestRowsWithoutValuesAreListed(t *testing.T) {
	plan, probs := bulk.Parse(bulk.Input{CSV: []byte("RoomId,RoomName\nr-1,x\nr-2,\nr-3,y\n"), CSVName: "rooms.csv"})
	if len(probs.Lines) != 1 || probs.Lines[0].RoomID != "r-2" || probs.Lines[0].Line != 3 || len(plan.Rows) != 3 {
		t.Errorf("line problems %+v (rows %d), want only r-2 on line 3", probs.Lines, len(plan.Rows))
	}
}

// A job takes MaxRooms rooms, not one more; a blank CSV (only line breaks)
// adds none to the count.
func TestRoomCountLimitAtItsEdge(t *testing.T) {
	tooMany := func(probs bulk.Problems) bool {
		return strings.Contains(strings.Join(probs.General, " "), "more than one job takes")
	}
	ids := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "r-%d\n", i)
		}
		return b.String()
	}
	notice := rooms.Form{rooms.FieldNotice: {"hi"}}
	for _, tc := range []struct {
		in   bulk.Input
		want bool
		what string
	}{
		{bulk.Input{RoomIDs: ids(bulk.MaxRooms)}, false, "MaxRooms pasted"},
		{bulk.Input{RoomIDs: ids(bulk.MaxRooms + 1)}, true, "MaxRooms+1 pasted"},
		{bulk.Input{RoomIDs: "r-1", CSV: []byte(strings.Repeat("\n", bulk.MaxRooms+1))}, false, "one pasted and a blank CSV"},
	} {
		tc.in.Change, tc.in.Values = []string{rooms.FieldNotice}, notice
		if _, probs := bulk.Parse(tc.in); tooMany(probs) != tc.want {
			t.Errorf("%s: refused as too many: %v, want %v (%v)", tc.what, tooMany(probs), tc.want, probs.General)
		}
	}
}

// A pasted list's problems and rows carry the line they were pasted on
// (counted from 1), as the preview shows them.
func TestPastedLinesAreNumberedFromOne(t *testing.T) {
	plan, probs := bulk.Parse(bulk.Input{RoomIDs: "p-1\n" + strings.Repeat("x", 49) + "\np-3",
		Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
	if len(probs.Lines) != 1 || probs.Lines[0].Line != 2 || probs.Lines[0].Source != "pasted list" {
		t.Errorf("problems %+v, want one on pasted line 2", probs.Lines)
	}
	if len(plan.Rows) != 2 || plan.Rows[0].Line != 1 || plan.Rows[1].Line != 3 {
		t.Errorf("rows %+v, want lines 1 and 3", plan.Rows)
	}
}

// A bad pasted RoomId is echoed whole up to 48 characters, clipped beyond.
func TestBadRoomIDEchoedUpTo48Characters(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{strings.Repeat("x", 47) + "é", strings.Repeat("x", 47) + "é"},
		{strings.Repeat("x", 48) + "é", strings.Repeat("x", 48) + "…"},
	} {
		_, probs := bulk.Parse(bulk.Input{RoomIDs: tc.id, Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
		if len(probs.Lines) != 1 || probs.Lines[0].RoomID != tc.want {
			t.Errorf("%q: problems %+v, want the RoomId echoed as %q", tc.id, probs.Lines, tc.want)
		}
	}
}
