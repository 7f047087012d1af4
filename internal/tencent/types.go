package tencent

import (
	"encoding/json"
	"fmt"
	"time"
)

// Command names of the live_engine_http_srv service.
const (
	CmdGetRoomInfo    = "get_room_info"
	CmdGetRoomList    = "get_room_list"
	CmdUpdateRoomInfo = "update_room_info"
	CmdCreateRoom     = "create_room"
	CmdDestroyRoom    = "destroy_room"
)

// RoomInfo is a room as get_room_info describes it. Fields whose wire type the
// docs contradict (Owner_Account, TakeSeatMode, IsMessageDisabled) decode
// leniently; see lenient.go.
type RoomInfo struct {
	RoomId            string   `json:"RoomId"`
	RoomName          string   `json:"RoomName"`
	RoomType          string   `json:"RoomType,omitempty"`
	OwnerAccount      Account  `json:"Owner_Account,omitempty"`
	CreateTime        int64    `json:"CreateTime,omitempty"`
	IsSeatEnabled     bool     `json:"IsSeatEnabled"`
	TakeSeatMode      SeatMode `json:"TakeSeatMode,omitempty"`
	MaxSeatCount      int      `json:"MaxSeatCount,omitempty"`
	MaxMemberCount    int      `json:"MaxMemberCount,omitempty"`
	IsMessageDisabled FlexBool `json:"IsMessageDisabled"`
	CoverURL          string   `json:"CoverURL"`
	Category          []int    `json:"Category"`
	ActivityStatus    int      `json:"ActivityStatus"`
	ViewCount         int64    `json:"ViewCount"`
	IsPublicVisible   bool     `json:"IsPublicVisible"`
	Notice            string   `json:"Notice"`
}

// RoomList is one page of get_room_list. An empty Next means the last page.
// Each room is decoded on its own: one whose fields cannot be read lands in
// Unreadable instead of failing the page.
type RoomList struct {
	Rooms      []RoomInfo
	Unreadable []UnreadableRoom
	Next       string
}

// UnreadableRoom is a get_room_list item that did not decode as a RoomInfo.
type UnreadableRoom struct {
	Index  int             // its position in the page as Tencent sent it
	RoomId string          // "" when even the RoomId could not be read
	Raw    json.RawMessage // the item exactly as sent
	Reason string          // what could not be read
}

// RoomUpdate is the body of update_room_info. Only non-nil fields are sent,
// so a change of RoomName alone marshals to
// {"RoomInfo":{"RoomId":"...","RoomName":"..."}}.
type RoomUpdate struct {
	RoomId            string  `json:"RoomId"`
	RoomName          *string `json:"RoomName,omitempty"`
	MaxMemberCount    *int    `json:"MaxMemberCount,omitempty"`
	IsMessageDisabled *bool   `json:"IsMessageDisabled,omitempty"`
	CoverURL          *string `json:"CoverURL,omitempty"`
	Category          *[]int  `json:"Category,omitempty"`
	ActivityStatus    *int    `json:"ActivityStatus,omitempty"`
	IsPublicVisible   *bool   `json:"IsPublicVisible,omitempty"`
	TakeSeatMode      *string `json:"TakeSeatMode,omitempty"`
	Notice            *string `json:"Notice,omitempty"`
}

// Meta describes one logical call (all its attempts). It is returned with
// every result, errors included, so the audit log can record what was sent
// and what came back. It never holds the UserSig or the SecretKey: the body
// is the JSON body only, and the signed query string is not kept.
type Meta struct {
	Command      string
	RequestBody  []byte // the JSON body exactly as sent
	ResponseBody []byte // the last response body received, if any
	ActionStatus string
	ErrorCode    int
	ErrorInfo    string
	RequestID    string
	Attempts     int
	Latency      time.Duration // wall time of all attempts, backoff included
}

// APIError is an ActionStatus "FAIL" answer from Tencent.
type APIError struct {
	Command   string
	Code      int
	Info      string
	RequestID string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("tencent %s: error %d (%s): %s [RequestId %s]",
		e.Command, e.Code, Describe(e.Code).Meaning, e.Info, e.RequestID)
}
