package handlers_test

import (
	"net/http"
	"testing"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/components"
)

// The room page draws every field of the table: a labelled input and its
// orig_* value in the form, a labelled value in the read-only view. A field
// added to internal/rooms without its input fails here.
func TestRoomPageShowsEveryField(t *testing.T) {
	env, c := newRoomsEnv(t)
	v := browserForm(t, c, seedRoom)
	d := doc(t, c.Get(components.RoomURL(seedRoom)))
	form := testid(d, "room-form")
	for _, name := range rooms.Fields {
		if _, ok := v[name]; !ok {
			t.Errorf("the form has no input %s", name)
		}
		if _, ok := v[rooms.OriginalPrefix+name]; !ok {
			t.Errorf("the form has no %s%s", rooms.OriginalPrefix, name)
		}
		if form.Find("label:contains('"+rooms.Label(name)+"'), .label:contains('"+rooms.Label(name)+"')").Length() == 0 {
			t.Errorf("the form has no label %q for %s", rooms.Label(name), name)
		}
	}
	r := env.Login(t, "vera").Get(components.RoomURL(seedRoom))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("viewer page: %s", r)
	}
	ro := testid(doc(t, r), "room-readonly")
	for _, name := range rooms.Fields {
		if ro.Find(`[data-testid="value-`+name+`"]`).Length() != 1 || ro.Find("dt:contains('"+rooms.Label(name)+"')").Length() != 1 {
			t.Errorf("the read-only view has no labelled value for %s", name)
		}
	}
}

// The bulk form offers every field of the table: a "change" box (or a
// "no change" choice) and an input named after the field.
func TestBulkFormOffersEveryField(t *testing.T) {
	_, c := newRoomsEnv(t)
	r := c.Get("/bulk")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /bulk: %s", r)
	}
	d := doc(t, r)
	form := testid(d, "bulk-form")
	for _, name := range rooms.Fields {
		// A closed choice is one select starting at "no change"; any
		// other field has a "change this field" box.
		box := testid(d, "change-"+name).Length() == 1
		if rooms.Choices(name) != nil {
			box = testid(d, "value-"+name).Find(`option[value=""]`).Length() == 1
		}
		if !box || form.Find(`[name="`+name+`"]`).Length() == 0 {
			t.Errorf("the bulk form cannot change %s", name)
		}
	}
}
