package bulk

import (
	"strings"

	"github.com/roomdesk/roomdesk/internal/rooms"
)

// original is what the room must still hold for the item's fields to be
// sent (Item.Original), or nothing to hold them against.
func (it Item) original() rooms.Form {
	if it.Original == nil {
		return rooms.Form{}
	}
	return it.Original
}

// conflictMessage explains an item not sent because a field it checks
// (Item.Original) changed since.
func conflictMessage(ce *rooms.ConflictError) string {
	names := make([]string, len(ce.Conflicts))
	for i, c := range ce.Conflicts {
		names[i] = rooms.Label(c.Field) + " (now " + c.Theirs + ")"
	}
	return "Not sent: changed since by someone else: " + strings.Join(names, ", ") + "."
}
