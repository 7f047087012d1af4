package bulkview

import "encoding/hex"

// roomLinkID is a stable, valid id for a room's link in the items table
// (room ids may hold spaces and '#'). The progress poll replaces the whole
// table every second; htmx puts focus back on the element with the same id
// in the new content, so a keyboard user's place survives the poll.
func roomLinkID(roomID string) string { return "bulk-room-" + hex.EncodeToString([]byte(roomID)) }
