package tencent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// MaxListCount is get_room_list's documented page-size ceiling.
const MaxListCount = 20

// GetRoomInfo reads one room.
func (c *Client) GetRoomInfo(ctx context.Context, roomID string) (RoomInfo, Meta, error) {
	if roomID == "" {
		return RoomInfo{}, Meta{Command: CmdGetRoomInfo}, errors.New("tencent: get_room_info: empty room ID")
	}
	var out struct {
		RoomInfo *RoomInfo `json:"RoomInfo"`
	}
	meta, err := c.call(ctx, CmdGetRoomInfo, roomIDBody{RoomID: roomID}, &out)
	if err != nil {
		return RoomInfo{}, meta, err
	}
	if out.RoomInfo == nil {
		return RoomInfo{}, meta, fmt.Errorf("tencent: get_room_info: %w: no RoomInfo in the answer", ErrBadResponse)
	}
	return *out.RoomInfo, meta, nil
}

// GetRoomList reads one page of the live list, sorted by Tencent (by
// ViewCount, descending). Pass "" first, then the previous page's Next; an
// empty Next marks the last page. count 0 means MaxListCount.
func (c *Client) GetRoomList(ctx context.Context, next string, count int) (RoomList, Meta, error) {
	if count == 0 {
		count = MaxListCount
	}
	if count < 0 || count > MaxListCount {
		return RoomList{}, Meta{Command: CmdGetRoomList},
			fmt.Errorf("tencent: get_room_list: count %d outside 1..%d", count, MaxListCount)
	}
	body := struct {
		Next  string `json:"Next"`
		Count int    `json:"Count"`
	}{next, count}
	var out struct {
		RoomList []json.RawMessage `json:"RoomList"`
		Next     string            `json:"Next"`
	}
	meta, err := c.call(ctx, CmdGetRoomList, body, &out)
	if err != nil {
		return RoomList{}, meta, err
	}
	list := RoomList{Rooms: make([]RoomInfo, 0, len(out.RoomList)), Next: out.Next}
	for i, raw := range out.RoomList {
		r, bad := decodeListItem(i, raw)
		if bad != nil {
			list.Unreadable = append(list.Unreadable, *bad)
			continue
		}
		list.Rooms = append(list.Rooms, r)
	}
	return list, meta, nil
}

// decodeListItem reads one get_room_list item. A room whose fields drifted
// from the docs (a ViewCount as a string, a Category as an object) comes
// back as an UnreadableRoom with its raw JSON and, where readable, its
// RoomId, so the rest of the page still works.
func decodeListItem(i int, raw json.RawMessage) (RoomInfo, *UnreadableRoom) {
	var r RoomInfo
	err := json.Unmarshal(raw, &r)
	if err == nil && r.RoomId != "" {
		return r, nil
	}
	bad := &UnreadableRoom{Index: i, Raw: raw, Reason: "no RoomId"}
	if err != nil {
		bad.Reason = err.Error()
	}
	var id struct {
		RoomId json.RawMessage `json:"RoomId"`
	}
	if json.Unmarshal(raw, &id) == nil && len(id.RoomId) > 0 {
		bad.RoomId, _ = scalarText(id.RoomId)
	}
	return RoomInfo{}, bad
}

// UpdateRoomInfo sends exactly the fields set in u. update_room_info has set
// semantics, which is why retrying it after an unknown outcome is safe.
func (c *Client) UpdateRoomInfo(ctx context.Context, u RoomUpdate) (Meta, error) {
	if u.RoomId == "" {
		return Meta{Command: CmdUpdateRoomInfo}, errors.New("tencent: update_room_info: empty room ID")
	}
	body := struct {
		RoomInfo RoomUpdate `json:"RoomInfo"`
	}{u}
	return c.call(ctx, CmdUpdateRoomInfo, body, nil)
}

// createInfo is create_room's RoomInfo: optional fields are omitted when
// unset so Tencent applies its own defaults (owner = caller, name = ID, max
// members = package limit), while the three switches are always explicit.
type createInfo struct {
	RoomId            string   `json:"RoomId"`
	RoomType          string   `json:"RoomType"`
	OwnerAccount      Account  `json:"Owner_Account,omitempty"`
	RoomName          string   `json:"RoomName,omitempty"`
	MaxMemberCount    int      `json:"MaxMemberCount,omitempty"`
	CoverURL          string   `json:"CoverURL,omitempty"`
	IsMessageDisabled bool     `json:"IsMessageDisabled"`
	Category          []int    `json:"Category,omitempty"`
	IsPublicVisible   bool     `json:"IsPublicVisible"`
	IsSeatEnabled     bool     `json:"IsSeatEnabled"`
	TakeSeatMode      SeatMode `json:"TakeSeatMode,omitempty"`
	MaxSeatCount      int      `json:"MaxSeatCount,omitempty"`
	ActivityStatus    int      `json:"ActivityStatus,omitempty"`
	Notice            string   `json:"Notice,omitempty"`
	SeatTemplate      string   `json:"SeatTemplate"`
}

// CreateRoom creates a Live room. CreateTime and ViewCount in r are ignored;
// RoomType is always "Live". seatTemplate (e.g. "VideoDynamicGrid9Seats") is
// required by the current API version. Not idempotent: after an unknown
// outcome, a retry may answer 100003 or 100010 for a room this call created.
func (c *Client) CreateRoom(ctx context.Context, r RoomInfo, seatTemplate string) (Meta, error) {
	if r.RoomId == "" || seatTemplate == "" {
		return Meta{Command: CmdCreateRoom}, errors.New("tencent: create_room: room ID and seat template are required")
	}
	body := struct {
		RoomInfo createInfo `json:"RoomInfo"`
	}{createInfo{
		RoomId: r.RoomId, RoomType: "Live", OwnerAccount: r.OwnerAccount, RoomName: r.RoomName,
		MaxMemberCount: r.MaxMemberCount, CoverURL: r.CoverURL, IsMessageDisabled: bool(r.IsMessageDisabled),
		Category: r.Category, IsPublicVisible: r.IsPublicVisible, IsSeatEnabled: r.IsSeatEnabled,
		TakeSeatMode: r.TakeSeatMode, MaxSeatCount: r.MaxSeatCount, ActivityStatus: r.ActivityStatus,
		Notice: r.Notice, SeatTemplate: seatTemplate,
	}}
	return c.call(ctx, CmdCreateRoom, body, nil)
}

// DestroyRoom dismisses a room.
func (c *Client) DestroyRoom(ctx context.Context, roomID string) (Meta, error) {
	if roomID == "" {
		return Meta{Command: CmdDestroyRoom}, errors.New("tencent: destroy_room: empty room ID")
	}
	return c.call(ctx, CmdDestroyRoom, roomIDBody{RoomID: roomID}, nil)
}

type roomIDBody struct {
	RoomID string `json:"RoomId"`
}
