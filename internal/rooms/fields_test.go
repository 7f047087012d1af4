package rooms_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// fieldSamples holds, for every field, a valid value that differs from
// baseRoom's. A new field without a sample fails the walk below.
var fieldSamples = map[string][]string{
	rooms.FieldRoomName:          {"Saturday Karaoke 🎤"},
	rooms.FieldMaxMemberCount:    {"500"},
	rooms.FieldIsMessageDisabled: {"true"},
	rooms.FieldCoverURL:          {"https://cdn.example.com/new.jpg"},
	rooms.FieldCategory:          {"5", "", "6"},
	rooms.FieldActivityStatus:    {"-3"},
	rooms.FieldIsPublicVisible:   {"false"},
	rooms.FieldTakeSeatMode:      {"ApplyToTake"},
	rooms.FieldNotice:            {"Be nice"},
}

// The field table is complete: every field update_room_info takes is
// editable, and nothing else is.
func TestFieldTableMatchesRoomUpdate(t *testing.T) {
	var want []string
	rt := reflect.TypeFor[tencent.RoomUpdate]()
	for i := range rt.NumField() {
		if name := rt.Field(i).Name; name != "RoomId" {
			want = append(want, name)
		}
	}
	got := slices.Clone(rooms.Fields)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("rooms.Fields = %v, want the fields of tencent.RoomUpdate %v", got, want)
	}
}

// TestEveryPathCoversEveryField walks the table and changes one field at a
// time through every path: the rule (parse and validate), the pre-filled
// form, the diff, the body sent, the audit's before/after, and the room the
// service says it now is (apply), which must match what Tencent holds.
func TestEveryPathCoversEveryField(t *testing.T) {
	for _, name := range rooms.Fields {
		t.Run(name, func(t *testing.T) {
			sample, ok := fieldSamples[name]
			if !ok {
				t.Fatalf("no sample value for %s in fieldSamples", name)
			}
			// Validate puts a valid value in the field's own slot, and only there.
			u, errs := rooms.Validate(rooms.Form{name: sample})
			if len(errs) != 0 || !reflect.DeepEqual(keys(t, u), sorted(name, "RoomId")) {
				t.Fatalf("Validate(%q) = %s, %v", sample, body(t, u), errs)
			}
			// The rule refuses a bad value, and then carries nothing.
			if u, errs := rooms.Validate(rooms.Form{name: {"\xff"}}); errs[name] == "" || len(keys(t, u)) != 1 {
				t.Errorf("Validate(invalid) = %s, %v", body(t, u), errs)
			}

			// A text field's byte limit holds exactly.
			if limit := rooms.Limit(name); limit > 0 {
				fits := sample[0] + strings.Repeat("a", limit-len(sample[0]))
				if _, errs := rooms.Validate(rooms.Form{name: {fits}}); len(errs) != 0 {
					t.Errorf("%d bytes refused: %v", limit, errs)
				}
				if _, errs := rooms.Validate(rooms.Form{name: {fits + "a"}}); errs[name] == "" {
					t.Errorf("%d bytes accepted", limit+1)
				}
			}

			f := newFixture(t)
			orig := f.rendered(t)
			if _, ok := orig[name]; !ok {
				t.Fatalf("FormFromRoom leaves out %s: %v", name, orig)
			}
			if field(t, orig, name) == field(t, rooms.Form{name: sample}, name) {
				t.Fatalf("the sample for %s equals baseRoom's value", name)
			}
			res, err := f.svc.Update(context.Background(), actor, roomID, browser(edit(orig, name, sample)), orig)
			if err != nil || res.Outcome != audit.OutcomeOK {
				t.Fatalf("Update: %+v, %v", res, err)
			}
			sent := f.sent()
			var env struct{ RoomInfo map[string]json.RawMessage }
			if len(sent) != 1 || json.Unmarshal([]byte(sent[0]), &env) != nil || len(env.RoomInfo) != 2 ||
				string(env.RoomInfo[name]) != field(t, rooms.Form{name: sample}, name) {
				t.Fatalf("sent %q, want RoomId and %s only", sent, name)
			}
			if len(res.Changes) != 1 || res.Changes[0].Field != name || res.Changes[0].Before == res.Changes[0].After {
				t.Errorf("changes = %+v", res.Changes)
			}
			recs := f.records(t)
			if len(recs) != 1 || len(recs[0].Entry.Changes) != 1 {
				t.Fatalf("audit = %+v", recs)
			}
			if c := recs[0].Entry.Changes[0]; c.Field != name || c.Before != field(t, orig, name) ||
				c.After != field(t, rooms.Form{name: sample}, name) {
				t.Errorf("audit change = %+v", c)
			}
			// apply: the room after the update is what Tencent now holds,
			// and so are the form and orig_* values shown next.
			now := f.rendered(t)
			if field(t, now, name) != field(t, rooms.Form{name: sample}, name) {
				t.Errorf("Tencent holds %v for %s, want %v", now[name], name, sample)
			}
			if !equalForms(rooms.FormFromRoom(*res.Room), now) || !equalForms(res.Form, now) || !equalForms(res.Original, now) {
				t.Errorf("after the update the service shows %v / %v / %v, Tencent holds %v",
					rooms.FormFromRoom(*res.Room), res.Form, res.Original, now)
			}
		})
	}
}

// field is the JSON of a form field's value as Validate reads it.
func field(t *testing.T, f rooms.Form, name string) string {
	t.Helper()
	u, errs := rooms.Validate(rooms.Form{name: f[name]})
	if len(errs) != 0 {
		t.Fatalf("%s %q does not validate: %v", name, f[name], errs)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body(t, u)), &m); err != nil {
		t.Fatal(err)
	}
	return string(m[name])
}

func body(t *testing.T, u tencent.RoomUpdate) string {
	t.Helper()
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// keys are the JSON keys an update carries, sorted.
func keys(t *testing.T, u tencent.RoomUpdate) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body(t, u)), &m); err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}
