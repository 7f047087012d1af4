package emulator

import (
	"encoding/json"
	"maps"
	"strconv"
)

// Wire is how get_room_info and get_room_list write one room. The zero
// value is the current docs' field table. The docs' own samples and older
// pages disagree with that table, and Tencent's console reads fields no
// table lists; a room with a non-zero Wire answers in those shapes, so demo
// mode and the end-to-end suite meet them, not only unit tests.
type Wire struct {
	// OwnerAsNumber writes Owner_Account as a JSON number, as the
	// get_room_info sample does (144115233775727695). Only an all-digit
	// account can be written so; others stay strings.
	OwnerAsNumber bool `json:"OwnerAsNumber,omitempty"`
	// SeatModeAsInt writes TakeSeatMode as 1 (FreeToTake) or 2
	// (ApplyToTake), the 2024 pages' Integer.
	SeatModeAsInt bool `json:"SeatModeAsInt,omitempty"`
	// MessageDisabledAsString writes IsMessageDisabled as "true"/"false",
	// the table's String type (the sample has a bool).
	MessageDisabledAsString bool `json:"MessageDisabledAsString,omitempty"`
	// Extra are undocumented fields added to the answer as given, e.g.
	// OnlineCount, IsUnlimitedRoomEnabled, CustomInfo (docs §1.1). They
	// never override a documented field.
	Extra map[string]json.RawMessage `json:"Extra,omitempty"`
	// Override replaces documented fields' values as given: a field that
	// drifted from the docs (a ViewCount as a string), for tests of how a
	// client copes. The seed never uses it.
	Override map[string]json.RawMessage `json:"Override,omitempty"`
}

func (w Wire) plain() bool {
	return !w.OwnerAsNumber && !w.SeatModeAsInt && !w.MessageDisabledAsString && len(w.Extra) == 0 && len(w.Override) == 0
}

func (w Wire) clone() Wire {
	w.Extra = maps.Clone(w.Extra)
	w.Override = maps.Clone(w.Override)
	return w
}

// wireRoom is what get_room_info answers for r.
func wireRoom(r Room) any {
	if r.Wire.plain() {
		return r
	}
	return reshape(r, r.Wire, true)
}

// wireListItem is what get_room_list answers for r.
func wireListItem(r Room) any {
	item := listItem{
		RoomName: r.RoomName, RoomID: r.RoomID, OwnerAccount: r.OwnerAccount,
		CoverURL: r.CoverURL, Category: r.Category, CreateTime: r.CreateTime,
		ActivityStatus: r.ActivityStatus, ViewCount: r.ViewCount,
	}
	if r.Wire.plain() {
		return item
	}
	return reshape(item, r.Wire, false)
}

// reshape marshals v (a Room or a listItem), then rewrites the fields w
// names. Only fields v has are rewritten, so a list item never gains
// TakeSeatMode; extras are added to both, as the console reads them from
// list and detail alike.
func reshape(v any, w Wire, detail bool) map[string]json.RawMessage {
	b, _ := json.Marshal(v) // our own types: cannot fail
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	for k, raw := range w.Extra {
		if _, documented := m[k]; !documented {
			m[k] = raw
		}
	}
	if w.OwnerAsNumber {
		var owner string
		if json.Unmarshal(m["Owner_Account"], &owner) == nil && allDigits(owner) {
			m["Owner_Account"] = json.RawMessage(owner)
		}
	}
	if detail && w.SeatModeAsInt {
		switch string(m["TakeSeatMode"]) {
		case `"` + SeatFreeToTake + `"`:
			m["TakeSeatMode"] = json.RawMessage("1")
		case `"` + SeatApplyToTake + `"`:
			m["TakeSeatMode"] = json.RawMessage("2")
		}
	}
	if detail && w.MessageDisabledAsString {
		if raw, ok := m["IsMessageDisabled"]; ok {
			m["IsMessageDisabled"] = json.RawMessage(strconv.Quote(string(raw)))
		}
	}
	for k, raw := range w.Override {
		if _, ok := m[k]; ok {
			m[k] = raw
		}
	}
	return m
}

func allDigits(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
