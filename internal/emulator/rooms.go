package emulator

import (
	"encoding/json"
	"slices"
	"sort"
)

// RoomTypeLive is the only room type live_engine_http_srv manages.
const RoomTypeLive = "Live"

// Room is a live room with every field get_room_info returns; the JSON tags
// are the wire names. Owner_Account is a string (the docs' table), although
// one doc sample shows a number.
type Room struct {
	RoomID            string `json:"RoomId"`
	RoomName          string `json:"RoomName"`
	RoomType          string `json:"RoomType"`
	OwnerAccount      string `json:"Owner_Account"`
	CreateTime        int64  `json:"CreateTime"` // unix seconds
	IsSeatEnabled     bool   `json:"IsSeatEnabled"`
	TakeSeatMode      string `json:"TakeSeatMode"`
	MaxSeatCount      int    `json:"MaxSeatCount"`
	MaxMemberCount    int    `json:"MaxMemberCount"`
	IsMessageDisabled bool   `json:"IsMessageDisabled"`
	CoverURL          string `json:"CoverURL"`
	Category          []int  `json:"Category"`
	ActivityStatus    int    `json:"ActivityStatus"`
	ViewCount         int64  `json:"ViewCount"`
	IsPublicVisible   bool   `json:"IsPublicVisible"`
	Notice            string `json:"Notice"`
	// Wire is how the API writes this room (documented shapes other than
	// the table's, undocumented extra fields); it is not a field itself.
	Wire Wire `json:"-"`
}

// clone deep-copies r so callers never share Category with the store, and
// makes Category marshal as [] rather than null.
func (r Room) clone() Room {
	r.Category = append(make([]int, 0, len(r.Category)), r.Category...)
	r.Wire = r.Wire.clone()
	return r
}

// Room returns a copy of the room with that id.
func (e *Emulator) Room(id string) (Room, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.rooms[id]
	return r.clone(), ok
}

// PutRoom inserts or replaces a room as given (no validation, so tests can
// build states the API would refuse). An empty RoomType is stored as "Live";
// any other type makes update_room_info and destroy_room answer 100006.
func (e *Emulator) PutRoom(r Room) {
	if r.RoomType == "" {
		r.RoomType = RoomTypeLive
	}
	e.mu.Lock()
	e.rooms[r.RoomID] = r.clone()
	e.mu.Unlock()
	e.changed()
}

// DeleteRoom removes a room; a missing room is not an error.
func (e *Emulator) DeleteRoom(id string) {
	e.mu.Lock()
	delete(e.rooms, id)
	e.mu.Unlock()
	e.changed()
}

// Rooms is the number of rooms, public or not.
func (e *Emulator) Rooms() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.rooms)
}

// RoomIDs returns every room id, sorted.
func (e *Emulator) RoomIDs() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, 0, len(e.rooms))
	for id := range e.rooms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// roomID reads the mandatory RoomId string; missing, empty or not a string
// is 100002.
func roomID(m map[string]json.RawMessage) (string, *apiError) {
	raw, ok := m["RoomId"]
	if !ok {
		return "", fail(codeInvalidParam, "RoomId is required")
	}
	id, ok := asString(raw)
	if !ok || id == "" {
		return "", fail(codeInvalidParam, "RoomId must be a non-empty string")
	}
	return id, nil
}

// roomInfo reads the RoomInfo object that update_room_info and create_room
// wrap their fields in.
func roomInfo(req map[string]json.RawMessage) (map[string]json.RawMessage, *apiError) {
	var info map[string]json.RawMessage
	raw, ok := req["RoomInfo"]
	if !ok || isNull(raw) || json.Unmarshal(raw, &info) != nil {
		return nil, fail(codeInvalidParam, "RoomInfo must be an object")
	}
	return info, nil
}

type roomInfoResponse struct {
	RoomInfo any `json:"RoomInfo"` // a Room, or its reshaped map (shape.go)
}

func (e *Emulator) getRoomInfo(req map[string]json.RawMessage) (any, *apiError) {
	id, aerr := roomID(req)
	if aerr != nil {
		return nil, aerr
	}
	r, ok := e.Room(id)
	if !ok {
		return nil, fail(codeRoomNotFound, "")
	}
	return roomInfoResponse{RoomInfo: wireRoom(r)}, nil
}

func (e *Emulator) updateRoomInfo(req map[string]json.RawMessage) *apiError {
	info, aerr := roomInfo(req)
	if aerr != nil {
		return aerr
	}
	id, aerr := roomID(info)
	if aerr != nil {
		return aerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.rooms[id]
	if !ok {
		return fail(codeRoomNotFound, "")
	}
	if r.RoomType != RoomTypeLive {
		return fail(codePermission, "room type is not Live")
	}
	setters, aerr := parseFields(info, false)
	if aerr != nil {
		return aerr
	}
	r = r.clone()
	for _, set := range setters {
		set(&r)
	}
	e.rooms[id] = r
	e.updates[id]++
	return nil
}

func (e *Emulator) createRoom(req map[string]json.RawMessage, identifier string) *apiError {
	info, aerr := roomInfo(req)
	if aerr != nil {
		return aerr
	}
	id, aerr := roomID(info)
	if aerr != nil {
		return aerr
	}
	if len(id) > maxRoomIDBytes || !printableASCII(id) {
		return fail(codeInvalidParam, "RoomId must be at most %d bytes of printable ASCII", maxRoomIDBytes)
	}
	rawType, ok := info["RoomType"]
	if !ok {
		return fail(codeInvalidParam, "RoomType is required")
	}
	if t, ok := asString(rawType); !ok || t != RoomTypeLive {
		return fail(codeInvalidRoomType, "")
	}
	setters, aerr := parseFields(info, true)
	if aerr != nil {
		return aerr
	}
	r := Room{
		RoomID:         id,
		RoomName:       id,
		RoomType:       RoomTypeLive,
		OwnerAccount:   identifier,
		CreateTime:     e.cfg.Now().Unix(),
		IsSeatEnabled:  true,
		TakeSeatMode:   SeatFreeToTake,
		MaxSeatCount:   8,
		MaxMemberCount: 1000,
		Category:       []int{},
		// The docs give no default; visible matches how a new live room
		// shows up in the Live Stream List unless marked private.
		IsPublicVisible: true,
	}
	for _, set := range setters {
		set(&r)
	}
	if r.OwnerAccount == "" {
		r.OwnerAccount = identifier
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, exists := e.rooms[id]; exists {
		return fail(codeRoomIDInUse, "")
	}
	e.rooms[id] = r
	return nil
}

func (e *Emulator) destroyRoom(req map[string]json.RawMessage) *apiError {
	id, aerr := roomID(req)
	if aerr != nil {
		return aerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.rooms[id]
	if !ok {
		return fail(codeRoomNotFound, "")
	}
	if r.RoomType != RoomTypeLive {
		return fail(codePermission, "room type is not Live")
	}
	delete(e.rooms, id)
	return nil
}

// printableASCII is the IM group-ID rule (0x20-0x7e); live rooms are backed
// by IM groups, so we infer the same rule for RoomId (not documented for
// live rooms themselves).
func printableASCII(s string) bool {
	return !slices.ContainsFunc([]byte(s), func(b byte) bool { return b < 0x20 || b > 0x7e })
}
