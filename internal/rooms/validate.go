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

	"github.com/roomdesk/roomdesk/internal/safetext"
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

// Validate checks every submitted field against its rule. The result is
// the update_room_info body for the valid fields (without RoomId); fields
// absent from the form stay nil and are not checked.
func Validate(f Form) (tencent.RoomUpdate, FieldErrors) {
	var u tencent.RoomUpdate
	errs := FieldErrors{}
	for _, fd := range table {
		if !f.Has(fd.name) {
			continue
		}
		v, msg := fd.parse(f[fd.name])
		if msg != "" {
			errs[fd.name] = msg
			continue
		}
		fd.put(&u, v)
	}
	return u, errs
}

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
	case id == "." || id == "..":
		// A browser normalises /rooms/. and /rooms/.. away before sending
		// the request, so such a room could never be opened or edited.
		return fmt.Sprintf("RoomId %q is not allowed: browsers treat it as a path step, so the room could not be opened.", id)
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
// Control characters and bidi overrides are refused (a multiline field may
// keep newlines and tabs): they would reach every viewer's app unseen.
func parseText(raw, label string, limit int, multiline bool) (string, string) {
	s := strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	if !utf8.ValidString(s) {
		return "", label + " is not valid UTF-8 text."
	}
	if msg := safetext.Check(s, label, multiline); msg != "" {
		return "", msg
	}
	if n := len(s); n > limit {
		msg := fmt.Sprintf("%s is %d bytes; the limit is %d bytes", label, n, limit)
		if chars := utf8.RuneCountInString(s); chars != n {
			msg += fmt.Sprintf(" (it has %d characters, but multi-byte characters count 2–4 bytes each: most Chinese characters 3, emoji 4)", chars)
		}
		return "", msg + "."
	}
	return s, ""
}

// parseRoomName refuses an empty name: what update_room_info does with
// "RoomName":"" is not documented (create_room would use the RoomId), and a
// blank name shows as nothing in every app (docs/TENCENT.md).
func parseRoomName(raw string) (string, string) {
	s, msg := parseText(raw, "Room name", MaxRoomNameBytes, false)
	if msg == "" && s == "" {
		return "", "Enter a room name: Tencent does not document what an empty name does."
	}
	return s, msg
}

func parseMaxMembers(raw string) (int, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, "Enter the maximum number of members: a whole number from 1 to 2147483647."
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil && isDigits(s):
		return 0, "Max members can be at most 2147483647."
	case err != nil:
		return 0, fmt.Sprintf("Max members must be a whole number (got %q).", clip(s))
	case n < 1:
		return 0, fmt.Sprintf("Max members must be at least 1 (got %d).", n)
	case n > math.MaxInt32:
		return 0, fmt.Sprintf("Max members can be at most 2147483647 (got %d).", n)
	}
	return int(n), ""
}

func parseActivityStatus(raw string) (int, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, "Enter an activity status: a whole number (0 if your app does not use it)."
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		if isDigits(strings.TrimPrefix(s, "-")) {
			return 0, "Activity status must be between -2147483648 and 2147483647 (a 32-bit integer)."
		}
		return 0, fmt.Sprintf("Activity status must be a whole number (got %q).", clip(s))
	}
	return int(n), ""
}

// parseCategories ignores empty inputs: the form always has three, and a
// room with one category leaves two blank.
func parseCategories(v []string) ([]int, string) {
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
func parseCoverURL(raw string) (string, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", ""
	}
	if n := len(s); n > MaxCoverURLBytes {
		return "", fmt.Sprintf("Cover URL is %d bytes; the limit is %d bytes.", n, MaxCoverURLBytes)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", "Cover URL must not contain spaces or control characters (encode a space as %20)."
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "Cover URL must be an absolute web address starting with https:// or http://."
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", "Cover URL has no host name (expected something like https://cdn.example.com/cover.jpg)."
	}
	return s, ""
}

func parseSeatMode(raw string) (string, string) {
	switch s := strings.TrimSpace(raw); s {
	case string(tencent.SeatFreeToTake), string(tencent.SeatApplyToTake):
		return s, ""
	default:
		return "", "Seat mode must be FreeToTake (anyone may take a seat) or ApplyToTake (the host approves)."
	}
}

func parseBoolField(raw string) (bool, string) {
	b, ok := parseBool(raw)
	if !ok {
		return false, fmt.Sprintf("Must be true or false (got %q).", clip(raw))
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
func canonical(name string, vals []string) (string, bool) {
	v, msg := parse(name, vals)
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

// parse applies a field's rule; a name outside the table never parses.
func parse(name string, vals []string) (any, string) {
	f, ok := lookup(name)
	if !ok {
		return nil, "Unknown field " + name + "."
	}
	return f.parse(vals)
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
