package emulator

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

const maxListCount = 20

// listItem is one get_room_list entry: the documented subset of RoomInfo.
type listItem struct {
	RoomName       string `json:"RoomName"`
	RoomID         string `json:"RoomId"`
	OwnerAccount   string `json:"Owner_Account"`
	CoverURL       string `json:"CoverURL"`
	Category       []int  `json:"Category"`
	CreateTime     int64  `json:"CreateTime"`
	ActivityStatus int    `json:"ActivityStatus"`
	ViewCount      int64  `json:"ViewCount"`
}

type roomListResponse struct {
	Next     string `json:"Next"`
	RoomList []any  `json:"RoomList"` // listItems, or reshaped maps (shape.go)
}

// listCursor is a keyset position: the last room served. Keyset rather than
// an offset so that rooms created or destroyed between pages neither repeat
// nor push others out of the walk.
type listCursor struct {
	viewCount int64
	roomID    string
}

// String renders the cursor in the shape of Tencent's Next
// ("1693271355-123123123123"): digits, a dash, then the room id in hex.
// Clients must treat it as opaque.
func (c listCursor) String() string {
	return fmt.Sprintf("%d-%s", c.viewCount, hex.EncodeToString([]byte(c.roomID)))
}

func parseCursor(s string) (listCursor, bool) {
	i := strings.LastIndexByte(s, '-')
	if i <= 0 {
		return listCursor{}, false
	}
	vc, err := strconv.ParseInt(s[:i], 10, 64)
	id, err2 := hex.DecodeString(s[i+1:])
	if err != nil || err2 != nil || len(id) == 0 {
		return listCursor{}, false
	}
	return listCursor{viewCount: vc, roomID: string(id)}, true
}

// before reports whether position a sorts before position b in the
// documented order: ViewCount descending, then RoomId for a stable walk.
func before(a, b listCursor) bool {
	if a.viewCount != b.viewCount {
		return a.viewCount > b.viewCount
	}
	return a.roomID < b.roomID
}

// parseListRequest reads Next and Count, both mandatory per the docs. Next
// is "" for the first page, or "0" as Tencent's own console sends it (not
// documented, but the console works, so Tencent accepts it). Count is an
// integer from 1 to 20: the docs' "default 20" cannot apply to a mandatory
// field, so a missing or out-of-range Count is refused (docs/TENCENT.md).
func parseListRequest(req map[string]json.RawMessage) (after *listCursor, count int, aerr *apiError) {
	rawNext, ok := req["Next"]
	if !ok {
		return nil, 0, fail(codeInvalidParam, "Next is required")
	}
	next, ok := asString(rawNext)
	if !ok {
		return nil, 0, fail(codeInvalidParam, "Next must be a string")
	}
	rawCount, ok := req["Count"]
	if !ok {
		return nil, 0, fail(codeInvalidParam, "Count is required")
	}
	n, ok := asInt(rawCount)
	if !ok || n < 1 || n > maxListCount {
		return nil, 0, fail(codeInvalidParam, "Count must be an integer from 1 to %d", maxListCount)
	}
	count = int(n)
	// "0" is what Tencent's own console sends for the first page.
	if next == "" || next == "0" {
		return nil, count, nil
	}
	c, ok := parseCursor(next)
	if !ok {
		return nil, 0, fail(codeInvalidParam, "Next is not a cursor from a previous answer")
	}
	return &c, count, nil
}

// getRoomList serves the public rooms only: the docs tie IsPublicVisible to
// "the Live Stream List" (an inference, not stated on get_room_list).
func (e *Emulator) getRoomList(req map[string]json.RawMessage) (any, *apiError) {
	after, count, aerr := parseListRequest(req)
	if aerr != nil {
		return nil, aerr
	}
	e.mu.Lock()
	public := make([]Room, 0, len(e.rooms))
	for _, r := range e.rooms {
		if r.IsPublicVisible && r.RoomType == RoomTypeLive {
			public = append(public, r.clone())
		}
	}
	e.mu.Unlock()
	slices.SortFunc(public, func(a, b Room) int {
		switch {
		case before(posOf(a), posOf(b)):
			return -1
		case before(posOf(b), posOf(a)):
			return 1
		}
		return 0
	})
	start := 0
	if after != nil {
		// The first room strictly after the cursor; the cursor room itself
		// may have been destroyed meanwhile, so no exact match is needed.
		for start < len(public) && !before(*after, posOf(public[start])) {
			start++
		}
	}
	end := min(start+count, len(public))
	resp := roomListResponse{RoomList: make([]any, 0, end-start)}
	for _, r := range public[start:end] {
		resp.RoomList = append(resp.RoomList, wireListItem(r))
	}
	if end < len(public) {
		resp.Next = posOf(public[end-1]).String()
	}
	return resp, nil
}

func posOf(r Room) listCursor { return listCursor{viewCount: r.ViewCount, roomID: r.RoomID} }
