package bulk_test

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

func TestParseCSVReportsBadLines(t *testing.T) {
	csvText := strings.Join([]string{
		"RoomId,RoomName,MaxMemberCount,Category,IsPublicVisible",
		"ok-1,Alpha,10,1;2,true",
		"ok-2,,,,",
		",Nameless,10,,",                           // 4: no RoomId
		"bad-3,Beta,zero,,",                        // 5: MaxMemberCount
		"bad-4,Gamma,10,1;1,",                      // 6: duplicate category
		"ok-1,Again,10,,",                          // 7: duplicate RoomId
		"bad-6," + strings.Repeat("é", 51) + ",,,", // 8: 102 bytes
		"bad-7,x,1",                                // 9: too few cells
		"bad-8,x,1,,maybe",                         // 10: not a boolean
		"",
		"ok-3,Delta,,4|5,false",
	}, "\n")
	plan, probs := bulk.Parse(bulk.Input{CSV: []byte("\xef\xbb\xbf" + csvText), CSVName: "rooms.csv",
		Change: []string{rooms.FieldNotice}, Values: rooms.Form{rooms.FieldNotice: {"hi"}}})
	wantLines := []int{4, 5, 6, 7, 8, 9, 10}
	var got []int
	for _, e := range probs.Lines {
		got = append(got, e.Line)
		if e.Source != "CSV" || e.Message == "" {
			t.Errorf("line error %+v", e)
		}
	}
	if !equal(got, wantLines) {
		t.Fatalf("bad lines %v, want %v: %+v", got, wantLines, probs.Lines)
	}
	if !strings.Contains(probs.Lines[3].Message, "already on line 2") || !strings.Contains(probs.Lines[4].Message, "102 bytes") {
		t.Errorf("messages: %+v", probs.Lines)
	}
	if len(plan.Rows) != 3 {
		t.Fatalf("rows %+v", plan.Rows)
	}
	r := plan.Rows[0]
	if r.Line != 2 || r.Fields.Get(rooms.FieldRoomName) != "Alpha" || len(r.Fields[rooms.FieldCategory]) != 2 || r.Fields.Get(rooms.FieldNotice) != "hi" {
		t.Errorf("row 1 %+v", r)
	}
	if r := plan.Rows[1]; len(r.Fields) != 1 || r.Fields.Get(rooms.FieldNotice) != "hi" {
		t.Errorf("row with empty cells %+v", r)
	}
	if r := plan.Rows[2]; r.Line != 12 || r.Fields.Get(rooms.FieldIsPublicVisible) != "false" {
		t.Errorf("last row %+v", r)
	}
}

func TestParseInputs(t *testing.T) {
	name := rooms.Form{rooms.FieldRoomName: {"New"}}
	tests := []struct {
		name      string
		in        bulk.Input
		rooms     int
		general   string
		field     string
		lineError string
	}{
		{name: "pasted, newlines and commas, duplicates once",
			in: bulk.Input{RoomIDs: "a, b\r\nc\n\n a ,b", Change: []string{"RoomName"}, Values: name}, rooms: 3},
		{name: "nothing ticked", in: bulk.Input{RoomIDs: "a"}, rooms: 1, general: "Tick"},
		{name: "no rooms", in: bulk.Input{Change: []string{"RoomName"}, Values: name}, general: "Choose the rooms"},
		{name: "bad common value", in: bulk.Input{RoomIDs: "a", Change: []string{"MaxMemberCount"}, Values: rooms.Form{"MaxMemberCount": {"0"}}},
			rooms: 1, field: "MaxMemberCount"},
		{name: "bad pasted id", in: bulk.Input{RoomIDs: "a\nnaïve", Change: []string{"RoomName"}, Values: name}, rooms: 1, lineError: "printable ASCII"},
		{name: "unknown CSV column", in: bulk.Input{CSV: []byte("RoomId,Colour\nx,red\n"), Change: []string{"RoomName"}, Values: name},
			lineError: `Unknown column "Colour"`},
		{name: "no RoomId column", in: bulk.Input{CSV: []byte("RoomName\nx\n")}, lineError: "no RoomId column"},
		{name: "CSV row with nothing to change", in: bulk.Input{CSV: []byte("RoomId,RoomName\nx,Y\nz,\n")}, rooms: 2, lineError: "Nothing to change"},
		{name: "pasted and CSV together", in: bulk.Input{RoomIDs: "p1", CSV: []byte("RoomId\nc1\n"), Change: []string{"Notice"}, Values: rooms.Form{"Notice": {""}}}, rooms: 2},
		{name: "ticked field without a value clears it", in: bulk.Input{RoomIDs: "a", Change: []string{"Notice"}}, rooms: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, probs := bulk.Parse(tc.in)
			if len(plan.Rows) != tc.rooms {
				t.Errorf("%d rooms, want %d", len(plan.Rows), tc.rooms)
			}
			if got := strings.Join(probs.General, " "); (tc.general == "") != (got == "") || !strings.Contains(got, tc.general) {
				t.Errorf("general problems %q, want %q", got, tc.general)
			}
			if _, ok := probs.Fields[tc.field]; tc.field != "" && !ok {
				t.Errorf("field errors %v, want %s", probs.Fields, tc.field)
			}
			var lines []string
			for _, l := range probs.Lines {
				lines = append(lines, l.Message)
			}
			if got := strings.Join(lines, " "); (tc.lineError == "") != (got == "") || !strings.Contains(got, tc.lineError) {
				t.Errorf("line problems %q, want %q", got, tc.lineError)
			}
		})
	}
}

func TestDigestFollowsContent(t *testing.T) {
	in := bulk.Input{RoomIDs: "a\nb", Change: []string{"RoomName"}, Values: rooms.Form{"RoomName": {"x"}}}
	p1, _ := bulk.Parse(in)
	p2, _ := bulk.Parse(in)
	in.Values = rooms.Form{"RoomName": {"y"}}
	p3, _ := bulk.Parse(in)
	if p1.Digest() != p2.Digest() || p1.Digest() == p3.Digest() {
		t.Errorf("digests %s %s %s", p1.Digest(), p2.Digest(), p3.Digest())
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Finding 4: one 2 MB paste of 343,317 RoomIds took the process from 40 MB
// to 714 MB, because every row got its own copy of the field map before
// MaxRooms was checked. Now the ids are counted first and the paste is
// refused having allocated almost nothing.
func TestHugePasteRefusedWithBoundedAllocation(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 2<<20-8; i++ {
		fmt.Fprintf(&b, "r%d\n", i)
	}
	in := bulk.Input{RoomIDs: b.String(), Change: []string{"RoomName", "Notice"},
		Values: rooms.Form{"RoomName": {"Tonight"}, "Notice": {"hello"}}}
	var probs bulk.Problems
	allocs := testing.AllocsPerRun(3, func() { _, probs = bulk.Parse(in) })
	if len(probs.General) != 1 || !strings.Contains(probs.General[0], "is more than one job takes (20000)") {
		t.Fatalf("problems: %+v", probs)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	bulk.Parse(in)
	runtime.ReadMemStats(&after)
	bytes := after.TotalAlloc - before.TotalAlloc
	t.Logf("2 MB paste refused: %.0f allocations, %d bytes", allocs, bytes)
	if allocs > 100 || bytes > 64<<10 {
		t.Fatalf("refusing a 2 MB paste allocated %.0f times, %d bytes; want at most 100 and 64 KiB", allocs, bytes)
	}
}

// Rows without CSV cells of their own share one field map.
func TestPastedRowsShareOneFieldMap(t *testing.T) {
	plan, probs := bulk.Parse(bulk.Input{RoomIDs: "a\nb\nc", Change: []string{"Notice"}, Values: rooms.Form{"Notice": {"x"}}})
	if probs.Any() || len(plan.Rows) != 3 {
		t.Fatalf("%+v %+v", plan, probs)
	}
	for _, r := range plan.Rows {
		if reflect.ValueOf(r.Fields).UnsafePointer() != reflect.ValueOf(plan.Common).UnsafePointer() {
			t.Fatalf("row %s has its own copy of the field map", r.RoomID)
		}
	}
}
