package emulator

import (
	"bytes"
	"encoding/json"
)

// Documented limits (docs/tencent-live-api.md §1.7).
const (
	maxRoomIDBytes   = 48
	maxRoomNameBytes = 100
	maxCoverURLBytes = 200
	maxNoticeBytes   = 100
	maxCategories    = 3
)

// Take-seat modes. The current docs type TakeSeatMode as a String in
// update_room_info and create_room; the 2024 docs' integers 1 (free) and 2
// (apply) appear only in get_room_info answers, which the emulator can give
// (see Room.Shape), so input is strict and output may be either.
const (
	SeatFreeToTake  = "FreeToTake"
	SeatApplyToTake = "ApplyToTake"
)

// setter applies one validated field to a room.
type setter func(*Room)

// fieldParser validates one raw JSON field and returns how to apply it.
type fieldParser func(raw json.RawMessage) (setter, *apiError)

// mutableFields are the RoomInfo fields update_room_info documents, in the
// order they are validated (the first bad one decides the answer).
var mutableFields = []struct {
	name  string
	parse fieldParser
}{
	{"RoomName", parseRoomName},
	{"MaxMemberCount", parseMaxMemberCount},
	{"IsMessageDisabled", boolField("IsMessageDisabled", func(r *Room, v bool) { r.IsMessageDisabled = v })},
	{"CoverURL", stringField("CoverURL", maxCoverURLBytes, func(r *Room, v string) { r.CoverURL = v })},
	{"Category", parseCategory},
	{"ActivityStatus", parseActivityStatus},
	{"IsPublicVisible", boolField("IsPublicVisible", func(r *Room, v bool) { r.IsPublicVisible = v })},
	{"TakeSeatMode", parseTakeSeatMode},
	{"Notice", stringField("Notice", maxNoticeBytes, func(r *Room, v string) { r.Notice = v })},
}

// createOnlyFields are accepted by create_room on top of mutableFields.
var createOnlyFields = []struct {
	name  string
	parse fieldParser
}{
	{"Owner_Account", stringField("Owner_Account", 32, func(r *Room, v string) { r.OwnerAccount = v })},
	{"IsSeatEnabled", boolField("IsSeatEnabled", func(r *Room, v bool) { r.IsSeatEnabled = v })},
	{"MaxSeatCount", parseMaxSeatCount},
	{"SeatTemplate", stringField("SeatTemplate", 64, func(*Room, string) {})},
}

// parseFields validates every present field of info before anything is
// applied, so a refused update leaves the room untouched. Fields not listed
// (IsUnlimitedRoomEnabled, which Tencent's console always sends, or
// read-only ones like ViewCount) are ignored.
func parseFields(info map[string]json.RawMessage, create bool) ([]setter, *apiError) {
	var out []setter
	all := mutableFields
	if create {
		all = append(append(all[:0:0], mutableFields...), createOnlyFields...)
	}
	for _, f := range all {
		raw, ok := info[f.name]
		if !ok {
			continue
		}
		set, aerr := f.parse(raw)
		if aerr != nil {
			return nil, aerr
		}
		out = append(out, set)
	}
	return out, nil
}

func parseRoomName(raw json.RawMessage) (setter, *apiError) {
	return stringField("RoomName", maxRoomNameBytes, func(r *Room, v string) { r.RoomName = v })(raw)
}

func parseMaxMemberCount(raw json.RawMessage) (setter, *apiError) {
	n, ok := asInt(raw)
	if !ok || n < 1 || n > 1<<31-1 {
		return nil, fail(codeInvalidParam, "MaxMemberCount must be a positive integer")
	}
	return func(r *Room) { r.MaxMemberCount = int(n) }, nil
}

func parseMaxSeatCount(raw json.RawMessage) (setter, *apiError) {
	n, ok := asInt(raw)
	if !ok || n < 0 || n > 1<<31-1 {
		return nil, fail(codeInvalidParam, "MaxSeatCount must be a non-negative integer")
	}
	return func(r *Room) { r.MaxSeatCount = int(n) }, nil
}

func parseActivityStatus(raw json.RawMessage) (setter, *apiError) {
	n, ok := asInt(raw)
	if !ok || n < -1<<31 || n > 1<<31-1 {
		return nil, fail(codeInvalidParam, "ActivityStatus must be an integer")
	}
	return func(r *Room) { r.ActivityStatus = int(n) }, nil
}

func parseCategory(raw json.RawMessage) (setter, *apiError) {
	var elems []json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &elems) != nil {
		return nil, fail(codeInvalidParam, "Category must be an array of integers")
	}
	if len(elems) > maxCategories {
		return nil, fail(codeTooManyTags, "Category has %d elements, at most %d", len(elems), maxCategories)
	}
	cats := make([]int, len(elems))
	for i, el := range elems {
		n, ok := asInt(el)
		if !ok || n < -1<<31 || n > 1<<31-1 {
			return nil, fail(codeInvalidParam, "Category must be an array of integers")
		}
		cats[i] = int(n)
	}
	return func(r *Room) { r.Category = cats }, nil
}

func parseTakeSeatMode(raw json.RawMessage) (setter, *apiError) {
	mode, ok := asString(raw)
	if !ok || (mode != SeatFreeToTake && mode != SeatApplyToTake) {
		return nil, fail(codeInvalidParam, "TakeSeatMode must be the string FreeToTake or ApplyToTake")
	}
	return func(r *Room) { r.TakeSeatMode = mode }, nil
}

// stringField checks a string field against a byte limit (the docs count
// bytes, so "深夜电台" is 12 of RoomName's 100).
func stringField(name string, limit int, set func(*Room, string)) fieldParser {
	return func(raw json.RawMessage) (setter, *apiError) {
		s, ok := asString(raw)
		if !ok {
			return nil, fail(codeInvalidParam, "%s must be a string", name)
		}
		if len(s) > limit {
			return nil, fail(codeInvalidParam, "%s is %d bytes, at most %d", name, len(s), limit)
		}
		return func(r *Room) { set(r, s) }, nil
	}
}

func boolField(name string, set func(*Room, bool)) fieldParser {
	return func(raw json.RawMessage) (setter, *apiError) {
		b, ok := asBool(raw)
		if !ok {
			return nil, fail(codeInvalidParam, "%s must be a boolean", name)
		}
		return func(r *Room) { set(r, b) }, nil
	}
}

// isNull matters because json.Unmarshal accepts null into any type and
// leaves the target alone; Tencent's typed fields do not take null.
func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func asString(raw json.RawMessage) (string, bool) {
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// asInt accepts only integer literals: 5, not 5.0, "5" or 5e0.
func asInt(raw json.RawMessage) (int64, bool) {
	var n int64
	if isNull(raw) || json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	return n, true
}

func asBool(raw json.RawMessage) (bool, bool) {
	var b bool
	if isNull(raw) || json.Unmarshal(raw, &b) != nil {
		return false, false
	}
	return b, true
}
