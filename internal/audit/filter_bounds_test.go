package audit

import (
	"net/url"
	"strings"
	"testing"
	"time"
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

// TestToIncludesItsUnit: an RFC 3339 "to" covers its whole second, or, with
// a fraction, the stored microsecond.
func TestToIncludesItsUnit(t *testing.T) {
	for to, want := range map[string]string{
		"2026-03-01T09:30:15Z":      "2026-03-01T09:30:16Z",
		"2026-03-01T09:30:15.5Z":    "2026-03-01T09:30:15.500001Z",
		"2026-03-01T17:30:15+08:00": "2026-03-01T09:30:16Z",
	} {
		f, errs := ParseFilter(url.Values{"to": {to}})
		if got := f.To.Format(time.RFC3339Nano); len(errs) != 0 || got != want {
			t.Errorf("to=%s: %s %v, want %s", to, got, errs, want)
		}
	}
}
