package safetext

import (
	"strconv"
	"strings"
)

// DefaultMax is the clip length for attacker-supplied text kept in audit
// rows and logs (room ids from a URL, details, user agents, attempted
// usernames): long enough for any honest value, short enough that a flood of
// refused requests cannot grow the append-only log by more than a few
// hundred bytes a row.
const DefaultMax = 256

// Clip returns s unchanged when it is at most max bytes; otherwise its first
// max bytes (cut on a rune boundary) followed by a visible
// "…[truncated, N bytes]" marker, N being the original length, so a reader
// knows the value was longer and by how much. The result is at most
// max+len(marker) bytes and always valid UTF-8.
func Clip(s string, max int) string {
	if max < 0 {
		max = 0
	}
	if len(s) <= max {
		return s
	}
	head := s[:max]
	// Step back over a rune cut in half; ToValidUTF8 then drops any
	// invalid bytes the value itself carried.
	for i := 0; i < 3 && len(head) > 0 && !startsRune(s[len(head)]); i++ {
		head = head[:len(head)-1]
	}
	return strings.ToValidUTF8(head, "") + "…[truncated, " + strconv.Itoa(len(s)) + " bytes]"
}

// startsRune reports whether b can begin a UTF-8 sequence (is not a
// continuation byte).
func startsRune(b byte) bool { return b&0xC0 != 0x80 }
