package audit

import (
	"net/url"
	"strings"
	"testing"
)

// TestParseFilterBounds: each length limit admits its limit and refuses
// one more, printable ASCII runs from space to tilde, and an unreadable
// time is echoed whole up to 40 bytes.
func TestParseFilterBounds(t *testing.T) {
	for _, tc := range []struct {
		name, key, value string
		ok               bool
	}{
		{"actor 200 bytes", "actor", strings.Repeat("a", 200), true},
		{"actor 201 bytes", "actor", strings.Repeat("a", 201), false},
		{"room 48", "room", strings.Repeat("r", 48), true},
		{"room 49", "room", strings.Repeat("r", 49), false},
		{"room with space and tilde", "room", " a b~", true},
		{"room with DEL", "room", "a\x7fb", false},
		{"room with unit separator", "room", "a\x1fb", false},
		{"request id 128", "request_id", strings.Repeat("i", 128), true},
		{"request id 129", "request_id", strings.Repeat("i", 129), false},
		{"job 128", "job", strings.Repeat("j", 128), true},
		{"job 129", "job", strings.Repeat("j", 129), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := ParseFilter(url.Values{tc.key: {tc.value}})
			if ok := errs[tc.key] == ""; ok != tc.ok {
				t.Errorf("%s=%q: accepted %v, want %v (%v)", tc.key, tc.value, ok, tc.ok, errs)
			}
		})
	}
	forty := strings.Repeat("x", 40)
	if _, errs := ParseFilter(url.Values{"from": {forty}}); !strings.HasPrefix(errs["from"], `"`+forty+`" is not a time`) {
		t.Errorf("40 bytes echoed as %q", errs["from"])
	}
	if _, errs := ParseFilter(url.Values{"from": {forty + "y"}}); !strings.HasPrefix(errs["from"], `"`+forty+`…" is not a time`) {
		t.Errorf("41 bytes echoed as %q", errs["from"])
	}
}
