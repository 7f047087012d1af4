package rooms

import (
	"fmt"
	"strconv"

	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Field names: the edit form's inputs are named exactly after the
// update_room_info fields, in the order the form shows them.
const (
	FieldRoomName          = "RoomName"
	FieldMaxMemberCount    = "MaxMemberCount"
	FieldIsMessageDisabled = "IsMessageDisabled"
	FieldCoverURL          = "CoverURL"
	FieldCategory          = "Category"
	FieldActivityStatus    = "ActivityStatus"
	FieldIsPublicVisible   = "IsPublicVisible"
	FieldTakeSeatMode      = "TakeSeatMode"
	FieldNotice            = "Notice"
	// FieldRoomID only ever appears in FieldErrors: the id comes from the URL.
	FieldRoomID = "RoomId"
)

// table describes every editable field once. Validate, diff, the audit's
// before values, the form's pre-fill and the room after an update all loop
// over it, so adding a field is one entry here (plus its input in the views).
var table = []field{
	spec[string]{name: FieldRoomName, label: "Room name", limit: MaxRoomNameBytes,
		parse: one(parseRoomName),
		read:  func(r tencent.RoomInfo) string { return r.RoomName },
		set:   func(r *tencent.RoomInfo, v string) { r.RoomName = v },
		slot:  func(u *tencent.RoomUpdate) **string { return &u.RoomName }}.field(),
	spec[int]{name: FieldMaxMemberCount, label: "Max members",
		parse: one(parseMaxMembers),
		read:  func(r tencent.RoomInfo) int { return r.MaxMemberCount },
		set:   func(r *tencent.RoomInfo, v int) { r.MaxMemberCount = v },
		slot:  func(u *tencent.RoomUpdate) **int { return &u.MaxMemberCount }}.field(),
	spec[bool]{name: FieldIsMessageDisabled, label: "Mute chat", choices: yesNo,
		parse: one(parseBoolField),
		read:  func(r tencent.RoomInfo) bool { return bool(r.IsMessageDisabled) },
		set:   func(r *tencent.RoomInfo, v bool) { r.IsMessageDisabled = tencent.FlexBool(v) },
		slot:  func(u *tencent.RoomUpdate) **bool { return &u.IsMessageDisabled }}.field(),
	spec[string]{name: FieldCoverURL, label: "Cover URL", limit: MaxCoverURLBytes,
		parse: one(parseCoverURL),
		read:  func(r tencent.RoomInfo) string { return r.CoverURL },
		set:   func(r *tencent.RoomInfo, v string) { r.CoverURL = v },
		slot:  func(u *tencent.RoomUpdate) **string { return &u.CoverURL }}.field(),
	spec[[]int]{name: FieldCategory, label: "Categories",
		parse: parseCategories,
		// Never nil: the audit log holds [] for "no categories", not null.
		read: func(r tencent.RoomInfo) []int { return append([]int{}, r.Category...) },
		set:  func(r *tencent.RoomInfo, v []int) { r.Category = append([]int(nil), v...) },
		slot: func(u *tencent.RoomUpdate) **[]int { return &u.Category }}.field(),
	spec[int]{name: FieldActivityStatus, label: "Activity status",
		parse: one(parseActivityStatus),
		read:  func(r tencent.RoomInfo) int { return r.ActivityStatus },
		set:   func(r *tencent.RoomInfo, v int) { r.ActivityStatus = v },
		slot:  func(u *tencent.RoomUpdate) **int { return &u.ActivityStatus }}.field(),
	spec[bool]{name: FieldIsPublicVisible, label: "Listed publicly", choices: yesNo,
		parse: one(parseBoolField),
		read:  func(r tencent.RoomInfo) bool { return r.IsPublicVisible },
		set:   func(r *tencent.RoomInfo, v bool) { r.IsPublicVisible = v },
		slot:  func(u *tencent.RoomUpdate) **bool { return &u.IsPublicVisible }}.field(),
	spec[string]{name: FieldTakeSeatMode, label: "Seat mode",
		choices: []string{string(tencent.SeatFreeToTake), string(tencent.SeatApplyToTake)},
		parse:   one(parseSeatMode),
		read:    func(r tencent.RoomInfo) string { return string(r.TakeSeatMode) },
		set:     func(r *tencent.RoomInfo, v string) { r.TakeSeatMode = tencent.SeatMode(v) },
		slot:    func(u *tencent.RoomUpdate) **string { return &u.TakeSeatMode }}.field(),
	spec[string]{name: FieldNotice, label: "Notice", limit: MaxNoticeBytes,
		parse: one(func(s string) (string, Problem) { return parseText(s, FieldNotice, "Notice", MaxNoticeBytes, true) }),
		read:  func(r tencent.RoomInfo) string { return r.Notice },
		set:   func(r *tencent.RoomInfo, v string) { r.Notice = v },
		slot:  func(u *tencent.RoomUpdate) **string { return &u.Notice }}.field(),
}

// Fields lists the editable fields in form order.
var Fields = func() []string {
	out := make([]string, len(table))
	for i, f := range table {
		out[i] = f.name
	}
	return out
}()

// spec is one field whose parsed value has type T; typed, so the table
// itself needs no type assertions.
type spec[T any] struct {
	name, label string
	limit       int                              // bytes, for a text field's counter; 0 if none
	choices     []string                         // the values of a closed choice (a select), in order; nil if any text
	parse       func(vals []string) (T, Problem) // the rule: the value, or why the input is wrong
	read        func(r tencent.RoomInfo) T       // the value as Tencent holds it
	set         func(r *tencent.RoomInfo, v T)   // the room after Tencent applied v
	slot        func(u *tencent.RoomUpdate) **T  // where update_room_info carries it
}

// field is a spec with T erased, so fields of every type share one slice.
type field struct {
	name, label string
	limit       int
	choices     []string
	parse       func(vals []string) (any, Problem)
	read        func(r tencent.RoomInfo) any
	put         func(u *tencent.RoomUpdate, v any)              // v from parse
	apply       func(r *tencent.RoomInfo, u tencent.RoomUpdate) // if u carries the field
}

func (s spec[T]) field() field {
	return field{name: s.name, label: s.label, limit: s.limit, choices: s.choices,
		parse: func(vals []string) (any, Problem) {
			v, p := s.parse(vals)
			if !p.OK() {
				return nil, p
			}
			return v, Problem{}
		},
		read: func(r tencent.RoomInfo) any { return s.read(r) },
		put: func(u *tencent.RoomUpdate, v any) {
			t := v.(T)
			*s.slot(u) = &t
		},
		apply: func(r *tencent.RoomInfo, u tencent.RoomUpdate) {
			if p := *s.slot(&u); p != nil {
				s.set(r, *p)
			}
		},
	}
}

// one applies a single-valued rule to the last submitted value: a
// checkbox's "true" follows its hidden "false".
func one[T any](parse func(string) (T, Problem)) func([]string) (T, Problem) {
	return func(vals []string) (T, Problem) { return parse(last(vals)) }
}

// lookup finds a field by name; ok is false for names not in the table.
func lookup(name string) (field, bool) {
	for _, f := range table {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

// Label is the human name of a field, as the form and result show it.
func Label(name string) string {
	if f, ok := lookup(name); ok {
		return f.label
	}
	return name
}

// Limit is a text field's byte limit, 0 for fields without one.
func Limit(name string) int {
	f, _ := lookup(name)
	return f.limit
}

// yesNo are a boolean field's choices.
var yesNo = []string{"true", "false"}

// Choices are the values a closed-choice field takes (a boolean's "true"
// and "false", the seat modes), nil for a field that takes any text. The
// bulk form offers these as a select with "no change" first.
func Choices(name string) []string {
	f, _ := lookup(name)
	return f.choices
}

// formValues is a parsed or read value as form inputs hold it.
func formValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case int:
		return []string{strconv.Itoa(v)}
	case bool:
		return []string{strconv.FormatBool(v)}
	case []int:
		out := make([]string, len(v))
		for i, n := range v {
			out[i] = strconv.Itoa(n)
		}
		return out
	}
	return []string{fmt.Sprint(v)}
}

// apply is the room after Tencent applied u.
func apply(r tencent.RoomInfo, u tencent.RoomUpdate) tencent.RoomInfo {
	for _, f := range table {
		f.apply(&r, u)
	}
	return r
}

// AuditValue is a field of r as the audit log's changes record it (JSON
// text), so a page can match the room's current value to the entry that
// set it.
func AuditValue(name string, r tencent.RoomInfo) string {
	f, ok := lookup(name)
	if !ok {
		return ""
	}
	return jsonText(f.read(r))
}
