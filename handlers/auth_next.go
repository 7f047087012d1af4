package handlers

import (
	"net/url"
	"strings"
	"unicode"
)

// safeNext keeps post-login redirects on this site: next must be a local
// path, or the user lands on /rooms.
//
// Checking the prefix is not enough, because a browser reads a Location
// more loosely than url.Parse does: it drops tabs and newlines anywhere,
// strips leading and trailing control characters and spaces, and takes a
// backslash for a slash, so "/\t/evil.example" and "/\\evil.example" both
// become "//evil.example", another host. So any control character,
// whitespace or backslash refuses the value outright, and what remains must
// parse with no scheme, no host and exactly one leading slash.
func safeNext(next string) string {
	if !localPath(next) {
		return "/rooms"
	}
	return next
}

func localPath(next string) bool {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return false
	}
	if strings.ContainsFunc(next, func(r rune) bool {
		return r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) || r == 0xfffd ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
	}) {
		return false
	}
	u, err := url.Parse(next)
	if err != nil {
		return false
	}
	// No "." or ".." segments (plain or percent-encoded): "/.//evil" is
	// still on this host, but a browser resolves it to the path "//evil",
	// and "exactly one leading slash" should hold after resolution too.
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if d, _ := url.PathUnescape(seg); d == "." || d == ".." {
			return false
		}
	}
	// u.Path is decoded, so "/%2F%2Fx" has Path "//x"; the browser keeps
	// the escapes, so the raw prefix checked above is the one that counts.
	return u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == ""
}
