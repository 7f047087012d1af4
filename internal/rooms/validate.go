package rooms

import (
	"encoding/json"
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
// (in English) for the operator who typed it; Problems holds the same
// with message ids.
type FieldErrors map[string]string

// Validate checks every submitted field against its rule. The result is
// the update_room_info body for the valid fields (without RoomId); fields
// absent from the form stay nil and are not checked.
func Validate(f Form) (tencent.RoomUpdate, FieldErrors) {
	u, probs := ValidateProblems(f)
	return u, probs.english()
}

// ValidateProblems is Validate with each field's problem as a Problem, for
// a console that shows it in the reader's language.
func ValidateProblems(f Form) (tencent.RoomUpdate, Problems) {
	var u tencent.RoomUpdate
	errs := Problems{}
	for _, fd := range table {
		if !f.Has(fd.name) {
			continue
		}
		v, p := fd.parse(f[fd.name])
		if !p.OK() {
			errs[fd.name] = p
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

// ValidateRoomID returns what is wrong with a RoomId, "" if nothing.
func ValidateRoomID(id string) string { return CheckRoomID(id).Text }

// CheckRoomID is what is wrong with a RoomId. The character rule is IM's
// custom group ID rule (live rooms are IM groups).
func CheckRoomID(id string) Problem {
	switch {
	case id == "":
		return problem("RoomIDEmpty", "Enter a RoomId.", nil)
	case len(id) > MaxRoomIDBytes:
		return problem("RoomIDLong", "RoomId is %d bytes; the limit is %d bytes.",
			map[string]any{"Bytes": len(id), "Limit": MaxRoomIDBytes}, len(id), MaxRoomIDBytes)
	case id == "." || id == "..":
		// A browser normalises /rooms/. and /rooms/.. away before sending
		// the request, so such a room could never be opened or edited.
		return problem("RoomIDDots", "RoomId %q is not allowed: browsers treat it as a path step, so the room could not be opened.",
			map[string]any{"Value": strconv.Quote(id)}, id)
	}
	for _, r := range id {
		if r < 0x20 || r > 0x7e {
			return problem("RoomIDChars", "RoomId may only contain printable ASCII characters (letters, digits, spaces and symbols; no accents, emoji or control characters).", nil)
		}
	}
	return Problem{}
}

// parseText normalises line endings (browsers submit CRLF) and surrounding
// space, then holds the value to a byte limit: Tencent counts UTF-8 bytes,
// and operators think in characters, so the message explains the gap.
// Control characters and bidi overrides are refused (a multiline field may
// keep newlines and tabs): they would reach every viewer's app unseen.
func parseText(raw, name, label string, limit int, multiline bool) (string, Problem) {
	s := strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	if !utf8.ValidString(s) {
		return "", problem("TextUTF8", "%s is not valid UTF-8 text.", map[string]any{"Field": name}, label)
	}
	if r, pos := safetext.FirstControl(s, multiline); pos > 0 {
		return "", Problem{ID: "valid.TextControl", Data: map[string]any{"Field": name, "Char": safetext.Name(r), "Pos": pos},
			Text: safetext.Check(s, label, multiline)}
	}
	if n := len(s); n > limit {
		if chars := utf8.RuneCountInString(s); chars != n {
			return "", problem("TextLongMultibyte", "%s is %d bytes; the limit is %d bytes (it has %d characters, but multi-byte characters count 2–4 bytes each: most Chinese characters 3, emoji 4).",
				map[string]any{"Field": name, "Bytes": n, "Limit": limit, "Chars": chars}, label, n, limit, chars)
		}
		return "", problem("TextLong", "%s is %d bytes; the limit is %d bytes.",
			map[string]any{"Field": name, "Bytes": n, "Limit": limit}, label, n, limit)
	}
	return s, Problem{}
}

// parseRoomName refuses an empty name: what update_room_info does with
// "RoomName":"" is not documented (create_room would use the RoomId), and a
// blank name shows as nothing in every app (docs/TENCENT.md).
func parseRoomName(raw string) (string, Problem) {
	s, p := parseText(raw, FieldRoomName, "Room name", MaxRoomNameBytes, false)
	if p.OK() && s == "" {
		return "", problem("RoomNameEmpty", "Enter a room name: Tencent does not document what an empty name does.", nil)
	}
	return s, p
}

func parseMaxMembers(raw string) (int, Problem) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, problem("MaxMembersEmpty", "Enter the maximum number of members: a whole number from 1 to 2147483647.", nil)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil && isDigits(s):
		return 0, problem("MaxMembersHuge", "Max members can be at most 2147483647.", nil)
	case err != nil:
		return 0, problem("MaxMembersNotNumber", "Max members must be a whole number (got %q).", map[string]any{"Value": strconv.Quote(clip(s))}, clip(s))
	case n < 1:
		return 0, problem("MaxMembersSmall", "Max members must be at least 1 (got %d).", map[string]any{"Value": n}, n)
	case n > math.MaxInt32:
		return 0, problem("MaxMembersLarge", "Max members can be at most 2147483647 (got %d).", map[string]any{"Value": n}, n)
	}
	return int(n), Problem{}
}

func parseActivityStatus(raw string) (int, Problem) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, problem("ActivityEmpty", "Enter an activity status: a whole number (0 if your app does not use it).", nil)
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		if isDigits(strings.TrimPrefix(s, "-")) {
			return 0, problem("ActivityRange", "Activity status must be between -2147483648 and 2147483647 (a 32-bit integer).", nil)
		}
		return 0, problem("ActivityNotNumber", "Activity status must be a whole number (got %q).", map[string]any{"Value": strconv.Quote(clip(s))}, clip(s))
	}
	return int(n), Problem{}
}

// parseCategories ignores empty inputs: the form always has three, and a
// room with one category leaves two blank.
func parseCategories(v []string) ([]int, Problem) {
	cats := []int{}
	seen := map[int64]bool{}
	for _, raw := range v {
		s := strings.TrimSpace(raw)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, problem("CategoryNotNumber", "Each category must be a whole number between -2147483648 and 2147483647 (got %q).", map[string]any{"Value": strconv.Quote(clip(s))}, clip(s))
		}
		if seen[n] {
			return nil, problem("CategoryTwice", "Category %d is listed twice; each category may appear only once.", map[string]any{"Value": n}, n)
		}
		seen[n] = true
		cats = append(cats, int(n))
	}
	if len(cats) > MaxCategories {
		return nil, problem("CategoryTooMany", "A room takes at most %d categories (got %d).", map[string]any{"Max": MaxCategories, "Got": len(cats)}, MaxCategories, len(cats))
	}
	return cats, Problem{}
}

// parseCoverURL accepts only absolute http(s) URLs with a host, so a
// javascript:, data: or relative URL can never reach the apps that show it.
func parseCoverURL(raw string) (string, Problem) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", Problem{}
	}
	if n := len(s); n > MaxCoverURLBytes {
		return "", problem("TextLong", "%s is %d bytes; the limit is %d bytes.",
			map[string]any{"Field": FieldCoverURL, "Bytes": n, "Limit": MaxCoverURLBytes}, "Cover URL", n, MaxCoverURLBytes)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", problem("CoverSpaces", "Cover URL must not contain spaces or control characters (encode a space as %%20).", nil)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", problem("CoverScheme", "Cover URL must be an absolute web address starting with https:// or http://.", nil)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", problem("CoverHost", "Cover URL has no host name (expected something like https://cdn.example.com/cover.jpg).", nil)
	}
	return s, Problem{}
}

func parseSeatMode(raw string) (string, Problem) {
	switch s := strings.TrimSpace(raw); s {
	case string(tencent.SeatFreeToTake), string(tencent.SeatApplyToTake):
		return s, Problem{}
	default:
		return "", problem("SeatMode", "Seat mode must be FreeToTake (anyone may take a seat) or ApplyToTake (the host approves).", nil)
	}
}

func parseBoolField(raw string) (bool, Problem) {
	b, ok := parseBool(raw)
	if !ok {
		return false, problem("NotBool", "Must be true or false (got %q).", map[string]any{"Value": strconv.Quote(clip(raw))}, clip(raw))
	}
	return b, Problem{}
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
	v, p := parse(name, vals)
	if !p.OK() {
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
func parse(name string, vals []string) (any, Problem) {
	f, ok := lookup(name)
	if !ok {
		return nil, problem("UnknownField", "Unknown field %s.", map[string]any{"Value": name}, name)
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
