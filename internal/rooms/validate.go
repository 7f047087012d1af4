package rooms

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Limits from the field rules in PRODUCT.md (Tencent's documented limits).
const (
	MaxRoomIDBytes   = 48
	MaxRoomNameBytes = 100
	MaxCoverURLBytes = 200
	MaxNoticeBytes   = 100
)

// FieldErrors maps a field name to what is wrong with its value, written
// for the operator who typed it.
type FieldErrors map[string]string

// Patch is a validated set of field values. A nil field was not submitted.
type Patch struct {
	RoomName          *string
	MaxMemberCount    *int
	IsMessageDisabled *bool
	CoverURL          *string
	Category          *[]int
	ActivityStatus    *int
	IsPublicVisible   *bool
	TakeSeatMode      *string
	Notice            *string
}

// fieldRule parses one field's submitted values into its typed value, or
// explains why it cannot.
type fieldRule struct {
	label string
	parse func(vals []string) (any, string)
}

var rules = map[string]fieldRule{
	FieldRoomName:          {"Room name", parseRoomName},
	FieldMaxMemberCount:    {"Max members", parseMaxMembers},
	FieldIsMessageDisabled: {"Mute chat", func(v []string) (any, string) { return parseBoolField(last(v)) }},
	FieldCoverURL:          {"Cover URL", func(v []string) (any, string) { return parseCoverURL(last(v)) }},
	FieldCategory:          {"Categories", parseCategories},
	FieldActivityStatus:    {"Activity status", parseActivityStatus},
	FieldIsPublicVisible:   {"Listed publicly", func(v []string) (any, string) { return parseBoolField(last(v)) }},
	FieldTakeSeatMode:      {"Seat mode", func(v []string) (any, string) { return parseSeatMode(last(v)) }},
	FieldNotice:            {"Notice", func(v []string) (any, string) { return parseText(last(v), "Notice", MaxNoticeBytes) }},
}

// Label is the human name of a field, as the form and result show it.
func Label(field string) string {
	if r, ok := rules[field]; ok {
		return r.label
	}
	return field
}

// Validate checks every submitted field against the field rules. Fields
// absent from the form stay nil in the Patch and are not checked.
func Validate(f Form) (Patch, FieldErrors) {
	var p Patch
	errs := FieldErrors{}
	for _, name := range Fields {
		if !f.Has(name) {
			continue
		}
		v, msg := rules[name].parse(f[name])
		if msg != "" {
			errs[name] = msg
			continue
		}
		p.set(name, v)
	}
	return p, errs
}

func (p *Patch) set(name string, v any) {
	switch name {
	case FieldRoomName:
		p.RoomName = ptr(v.(string))
	case FieldMaxMemberCount:
		p.MaxMemberCount = ptr(v.(int))
	case FieldIsMessageDisabled:
		p.IsMessageDisabled = ptr(v.(bool))
	case FieldCoverURL:
		p.CoverURL = ptr(v.(string))
	case FieldCategory:
		p.Category = ptr(v.([]int))
	case FieldActivityStatus:
		p.ActivityStatus = ptr(v.(int))
	case FieldIsPublicVisible:
		p.IsPublicVisible = ptr(v.(bool))
	case FieldTakeSeatMode:
		p.TakeSeatMode = ptr(v.(string))
	case FieldNotice:
		p.Notice = ptr(v.(string))
	}
}

// update is the update_room_info body for the patch's non-nil fields.
func (p Patch) update(roomID string) tencent.RoomUpdate {
	return tencent.RoomUpdate{
		RoomId: roomID, RoomName: p.RoomName, MaxMemberCount: p.MaxMemberCount,
		IsMessageDisabled: p.IsMessageDisabled, CoverURL: p.CoverURL, Category: p.Category,
		ActivityStatus: p.ActivityStatus, IsPublicVisible: p.IsPublicVisible,
		TakeSeatMode: p.TakeSeatMode, Notice: p.Notice,
	}
}

func ptr[T any](v T) *T { return &v }

func last(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// ValidateRoomID returns what is wrong with a RoomId, "" if nothing. The
// character rule is IM's custom group ID rule (live rooms are IM groups).
func ValidateRoomID(id string) string {
	switch {
	case id == "":
		return "Enter a RoomId."
	case len(id) > MaxRoomIDBytes:
		return fmt.Sprintf("RoomId is %d bytes; the limit is %d bytes.", len(id), MaxRoomIDBytes)
	}
	for _, r := range id {
		if r < 0x20 || r > 0x7e {
			return "RoomId may only contain printable ASCII characters (letters, digits, spaces and symbols; no accents, emoji or control characters)."
		}
	}
	return ""
}

// parseText normalises line endings (browsers submit CRLF) and surrounding
// space, then holds the value to a byte limit: Tencent counts UTF-8 bytes,
// and operators think in characters, so the message explains the gap.
func parseText(raw, label string, limit int) (any, string) {
	s := strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	if !utf8.ValidString(s) {
		return nil, label + " is not valid UTF-8 text."
	}
	if n := len(s); n > limit {
		msg := fmt.Sprintf("%s is %d bytes; the limit is %d bytes", label, n, limit)
		if chars := utf8.RuneCountInString(s); chars != n {
			msg += fmt.Sprintf(" (it has %d characters, but multi-byte characters count 2–4 bytes each: most Chinese characters 3, emoji 4)", chars)
		}
		return nil, msg + "."
	}
	return s, ""
}

// parseRoomName refuses an empty name: what update_room_info does with
// "RoomName":"" is not documented (create_room would use the RoomId), and a
// blank name shows as nothing in every app (docs/TENCENT.md).
func parseRoomName(v []string) (any, string) {
	s, msg := parseText(last(v), "Room name", MaxRoomNameBytes)
	if msg == "" && s == "" {
		return nil, "Enter a room name: Tencent does not document what an empty name does."
	}
	return s, msg
}

func parseMaxMembers(v []string) (any, string) {
	s := strings.TrimSpace(last(v))
	if s == "" {
		return nil, "Enter the maximum number of members: a whole number from 1 to 2147483647."
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil && isDigits(s):
		return nil, "Max members can be at most 2147483647."
	case err != nil:
		return nil, fmt.Sprintf("Max members must be a whole number (got %q).", clip(s))
	case n < 1:
		return nil, fmt.Sprintf("Max members must be at least 1 (got %d).", n)
	case n > math.MaxInt32:
		return nil, fmt.Sprintf("Max members can be at most 2147483647 (got %d).", n)
	}
	return int(n), ""
}

func parseActivityStatus(v []string) (any, string) {
	s := strings.TrimSpace(last(v))
	if s == "" {
		return nil, "Enter an activity status: a whole number (0 if your app does not use it)."
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		if isDigits(strings.TrimPrefix(s, "-")) {
			return nil, "Activity status must be between -2147483648 and 2147483647 (a 32-bit integer)."
		}
		return nil, fmt.Sprintf("Activity status must be a whole number (got %q).", clip(s))
	}
	return int(n), ""
}

// parseCategories ignores empty inputs: the form always has three, and a
// room with one category leaves two blank.
func parseCategories(v []string) (any, string) {
	cats := []int{}
	seen := map[int64]bool{}
	for _, raw := range v {
		s := strings.TrimSpace(raw)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, fmt.Sprintf("Each category must be a whole number between -2147483648 and 2147483647 (got %q).", clip(s))
		}
		if seen[n] {
			return nil, fmt.Sprintf("Category %d is listed twice; each category may appear only once.", n)
		}
		seen[n] = true
		cats = append(cats, int(n))
	}
	if len(cats) > MaxCategories {
		return nil, fmt.Sprintf("A room takes at most %d categories (got %d).", MaxCategories, len(cats))
	}
	return cats, ""
}

// parseCoverURL accepts only absolute http(s) URLs with a host, so a
// javascript:, data: or relative URL can never reach the apps that show it.
func parseCoverURL(raw string) (any, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ""
	}
	if n := len(s); n > MaxCoverURLBytes {
		return nil, fmt.Sprintf("Cover URL is %d bytes; the limit is %d bytes.", n, MaxCoverURLBytes)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return nil, "Cover URL must not contain spaces or control characters (encode a space as %20)."
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, "Cover URL must be an absolute web address starting with https:// or http://."
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, "Cover URL has no host name (expected something like https://cdn.example.com/cover.jpg)."
	}
	return s, ""
}

func parseSeatMode(raw string) (any, string) {
	switch s := strings.TrimSpace(raw); s {
	case string(tencent.SeatFreeToTake), string(tencent.SeatApplyToTake):
		return s, ""
	default:
		return nil, "Seat mode must be FreeToTake (anyone may take a seat) or ApplyToTake (the host approves)."
	}
}

func parseBoolField(raw string) (any, string) {
	b, ok := parseBool(raw)
	if !ok {
		return nil, fmt.Sprintf("Must be true or false (got %q).", clip(raw))
	}
	return b, ""
}

// parseBool accepts what a checkbox can send ("on" when it has no value)
// besides true and false.
func parseBool(raw string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(raw)) {
	case "true", "on", "1":
		return true, true
	case "false", "off", "0", "":
		return false, true
	}
	return false, false
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// clip keeps an echoed bad value short enough for a one-line message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 24 {
		return s
	}
	return string([]rune(s)[:24]) + "…"
}

// canonical is the JSON text of a field's value (as audit.Change holds it),
// or, when the values do not parse, the raw text marked so it can never
// equal a parsed value. Two forms agree on a field iff their canonicals do.
func canonical(field string, vals []string) (string, bool) {
	v, msg := rules[field].parse(vals)
	if msg != "" {
		var kept []string // blank Category inputs are not values
		for _, s := range vals {
			if s = strings.TrimSpace(s); s != "" {
				kept = append(kept, s)
			}
		}
		return "\x00raw:" + strings.Join(kept, "\x00"), false
	}
	return jsonText(v), true
}

// jsonText keeps <, > and & readable in the audit log; the value is data,
// never embedded in HTML unescaped.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings, ints, bools and []int always encode
	return strings.TrimSuffix(b.String(), "\n")
}
