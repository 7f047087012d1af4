package handlers

import (
	"net/url"
	"strings"
	"testing"
)

// browserReads resolves a Location value the way a browser's URL parser
// (WHATWG URL, for the special scheme https) does before following it:
// leading and trailing C0 controls and spaces stripped, tabs and newlines
// removed anywhere, backslashes taken for slashes, any run of slashes
// before a host read as two. It is the attacker's
// model: the test holds safeNext's output to it.
func browserReads(loc string) *url.URL {
	s := strings.TrimFunc(loc, func(r rune) bool { return r <= 0x20 })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(s)
	if strings.HasPrefix(s, "//") { // special schemes ignore any number of slashes before the host
		s = "//" + strings.TrimLeft(s, "/")
	}
	base, _ := url.Parse("https://console.example/login")
	u, err := base.Parse(s)
	if err != nil {
		return nil
	}
	return u
}

func TestSafeNext(t *testing.T) {
	tests := []struct {
		name, next string
		browser    string // where a browser would go if the raw value were sent (documentation)
		kept       bool
	}{
		{"empty", "", "console.example", false},
		{"local path", "/audit?room=x", "console.example", true},
		{"local with fragment", "/rooms/a#top", "console.example", true},
		{"encoded slash stays a path", "/%2F%2Fevil.example", "console.example", true},
		{"scheme-relative", "//evil.example/", "evil.example", false},
		{"absolute", "https://evil.example/", "evil.example", false},
		{"javascript", "javascript:alert(1)", "", false},
		{"backslash", "/\\evil.example", "evil.example", false},
		{"tab then slash", "/\t/evil.example", "evil.example", false},
		{"tab then backslash", "/\t\\evil.example", "evil.example", false},
		{"newline", "/\n/evil.example", "evil.example", false},
		{"carriage return", "/\r/evil.example", "evil.example", false},
		{"leading space", " //evil.example", "evil.example", false},
		{"leading control", "\x01//evil.example", "evil.example", false},
		{"trailing space", "/rooms ", "console.example", false},
		{"NUL", "/rooms\x00", "console.example", false},
		{"bidi override", "/rooms\u202e", "console.example", false},
		// Each end of both ranges of bidi controls (a < read as <= lets the end through).
		{"bidi embedding, first of its range", "/rooms\u202a", "console.example", false},
		{"bidi isolate, first of its range", "/rooms\u2066", "console.example", false},
		{"bidi isolate, last of its range", "/rooms\u2069", "console.example", false},
		{"replacement character", "/rooms\ufffd", "console.example", false},
		{"non-ASCII path", "/rooms/直播", "console.example", true},
		{"relative", "rooms", "console.example", false},
		{"triple slash", "///evil.example", "evil.example", false},
		{"userinfo trick", "/@evil.example", "console.example", true},
		{"dot segment to a double slash", "/.//evil.example", "console.example", false},
		{"dot-dot segment", "/rooms/../audit", "console.example", false},
		{"encoded dot segment", "/%2e//evil.example", "console.example", false},
		{"dots inside a name", "/rooms/a.b..c", "console.example", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := safeNext(tc.next)
			if kept := got == tc.next && tc.next != ""; kept != tc.kept {
				t.Fatalf("safeNext(%q) = %q, kept %v want %v", tc.next, got, kept, tc.kept)
			}
			if u := browserReads(tc.next); tc.browser != "" && (u == nil || u.Host != tc.browser) {
				t.Errorf("test model: browser reads %q as %v, table says %s", tc.next, u, tc.browser)
			}
			// Whatever comes out, the browser stays on this site.
			if u := browserReads(got); u == nil || u.Host != "console.example" {
				t.Errorf("safeNext(%q) = %q, which a browser reads as %v", tc.next, got, u)
			}
		})
	}
}
