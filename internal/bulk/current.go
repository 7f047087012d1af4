package bulk

import (
	"slices"
	"time"

	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Known is what the room catalogue last saw of a room: the preview shows
// it beside the new values ("current → new") without asking Tencent, so a
// preview of 20,000 rooms costs no quota. The job itself still re-reads
// every room before sending (rooms.Service.Update).
type Known struct {
	Room tencent.RoomInfo
	// SeenAt is when the fields a list item carries (rooms.ListedFields)
	// were seen; DetailAt when the others were, zero when only a list page
	// has shown the room (those fields are then unknown).
	SeenAt, DetailAt time.Time
}

// FieldNow is one field of one room: the value the job sets beside the
// value the catalogue holds.
type FieldNow struct {
	Field   string
	New     []string
	Current []string  // nil when the catalogue does not know this field
	AsOf    time.Time // when Current was seen; zero when unknown
	Same    bool      // the room already holds New: the job sends nothing for it
}

// Known reports whether the catalogue knows the field's current value.
func (f FieldNow) Known() bool { return !f.AsOf.IsZero() }

// RoomNow is one room of a plan, field by field.
type RoomNow struct {
	RoomID    string
	Catalogue bool // the catalogue holds the room at all
	Fields    []FieldNow
}

// Compare lays each row's new values beside what known holds for its
// room (keyed by RoomId), in form order. A field the catalogue does not
// know is never "Same": only a value seen can be said to be unchanged.
func Compare(rows []Row, known map[string]Known) []RoomNow {
	out := make([]RoomNow, 0, len(rows))
	for _, r := range rows {
		k, ok := known[r.RoomID]
		rn := RoomNow{RoomID: r.RoomID, Catalogue: ok}
		current := rooms.Form{}
		asOf := map[string]time.Time{}
		if ok {
			all := rooms.FormFromRoom(k.Room)
			for _, f := range rooms.Fields {
				at := k.DetailAt
				if slices.Contains(rooms.ListedFields, f) {
					at = k.SeenAt
				}
				if !at.IsZero() {
					current[f], asOf[f] = all[f], at
				}
			}
		}
		changed, bad := rooms.Changed(r.Fields, current)
		for _, f := range rooms.Fields {
			vals, set := r.Fields[f]
			if !set {
				continue
			}
			fn := FieldNow{Field: f, New: vals, Current: current[f], AsOf: asOf[f]}
			_, invalid := bad[f]
			fn.Same = current.Has(f) && !invalid && !slices.Contains(changed, f)
			rn.Fields = append(rn.Fields, fn)
		}
		out = append(out, rn)
	}
	return out
}
