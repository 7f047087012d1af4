package bulk_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// A choice field (booleans, the seat mode) left at "no change" (empty) is
// not part of the plan, ticked or not; chosen, it is, without a tick.
func TestChoiceFieldsDefaultToNoChange(t *testing.T) {
	in := bulk.Input{RoomIDs: "a", Change: []string{"Notice"}, Values: rooms.Form{
		"Notice": {"hi"}, "IsPublicVisible": {""}, "TakeSeatMode": {""}, "IsMessageDisabled": {"true"}}}
	plan, probs := bulk.Parse(in)
	if probs.Any() {
		t.Fatalf("problems: %+v", probs)
	}
	want := rooms.Form{"Notice": {"hi"}, "IsMessageDisabled": {"true"}}
	if !reflect.DeepEqual(plan.Common, want) {
		t.Errorf("common %v, want %v", plan.Common, want)
	}
	// Ticked but left at "no change" is still no change (an empty value
	// would otherwise read as false: not listed); a value it does not take
	// is refused.
	in.Change = append(in.Change, "IsPublicVisible")
	if plan, _ := bulk.Parse(in); plan.Common.Has("IsPublicVisible") {
		t.Errorf("a ticked no-change choice is in the plan: %v", plan.Common)
	}
	in.Values["IsPublicVisible"] = []string{"maybe"}
	if _, probs := bulk.Parse(in); probs.Fields["IsPublicVisible"] == "" {
		t.Errorf("a bad choice was accepted: %+v", probs)
	}
}

// Rooms ticked on the room list are counted as selected, apart from pasted ones.
func TestSelectedRoomsCountedApart(t *testing.T) {
	plan, probs := bulk.Parse(bulk.Input{Selected: []string{"a", "b"}, RoomIDs: "b\nc", Change: []string{"Notice"}, Values: rooms.Form{"Notice": {"x"}}})
	if probs.Any() {
		t.Fatalf("problems: %+v", probs)
	}
	if plan.From.Selected != 2 || plan.From.Pasted != 1 || len(plan.Rows) != 3 || plan.Source != "2 selected, 1 pasted" {
		t.Errorf("from %+v, %d rows, source %q", plan.From, len(plan.Rows), plan.Source)
	}
	_, probs = bulk.Parse(bulk.Input{Selected: []string{"ok", ""}, Change: []string{"Notice"}, Values: rooms.Form{"Notice": {"x"}}})
	if probs.Any() {
		t.Errorf("an empty selected id is a problem: %+v", probs)
	}
}

// Compare puts the catalogue's value beside the new one, says when it was
// seen, marks values already held as the same, and knows nothing of rooms
// or fields the catalogue has not seen.
func TestCompareWithCatalogue(t *testing.T) {
	seen := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	detail := seen.Add(-time.Hour)
	known := map[string]bulk.Known{
		"full": {Room: tencent.RoomInfo{RoomId: "full", RoomName: "Jazz", IsPublicVisible: true, Category: []int{4}}, SeenAt: seen, DetailAt: detail},
		"list": {Room: tencent.RoomInfo{RoomId: "list", RoomName: "Talk"}, SeenAt: seen},
	}
	common := rooms.Form{"RoomName": {"Jazz"}, "IsPublicVisible": {"false"}, "Category": {"4", "7"}}
	plan, probs := bulk.Parse(bulk.Input{RoomIDs: "full\nlist\nnew", Change: []string{"RoomName", "IsPublicVisible", "Category"}, Values: common})
	if probs.Any() {
		t.Fatal(probs)
	}
	got := bulk.Compare(plan.Rows, known)
	if len(got) != 3 || !got[0].Catalogue || !got[1].Catalogue || got[2].Catalogue {
		t.Fatalf("rooms %+v", got)
	}
	type cell struct {
		cur  []string
		asOf time.Time
		same bool
	}
	want := map[string]map[string]cell{
		"full": {"RoomName": {[]string{"Jazz"}, seen, true}, "Category": {[]string{"4"}, seen, false}, "IsPublicVisible": {[]string{"true"}, detail, false}},
		"list": {"RoomName": {[]string{"Talk"}, seen, false}, "Category": {[]string{}, seen, false}, "IsPublicVisible": {nil, time.Time{}, false}},
		"new":  {"RoomName": {nil, time.Time{}, false}, "Category": {nil, time.Time{}, false}, "IsPublicVisible": {nil, time.Time{}, false}},
	}
	for _, r := range got {
		if len(r.Fields) != 3 {
			t.Errorf("%s: %d fields", r.RoomID, len(r.Fields))
		}
		for _, f := range r.Fields {
			w := want[r.RoomID][f.Field]
			if !reflect.DeepEqual(f.Current, w.cur) || !f.AsOf.Equal(w.asOf) || f.Same != w.same || f.Known() != !w.asOf.IsZero() {
				t.Errorf("%s %s: %+v, want %+v", r.RoomID, f.Field, f, w)
			}
			if !reflect.DeepEqual(f.New, common[f.Field]) {
				t.Errorf("%s %s: new %v", r.RoomID, f.Field, f.New)
			}
		}
	}
}
