package auditview

import (
	"net/url"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit"
)

func TestLocalInput(t *testing.T) {
	cases := []struct {
		in   string
		isTo bool
		want string
	}{
		{"2026-03-01T09:30", false, "2026-03-01T09:30"},
		{"2026-03-01T09:30", true, "2026-03-01T09:30"},
		{"2026-03-01", false, "2026-03-01T00:00"},
		{"2026-03-01", true, "2026-03-01T23:59"}, // resubmitted, still the whole day
		{"2026-03-01 09:30:15", true, "2026-03-01T09:30:15"},
		{"2026-03-01T17:00:00+08:00", false, "2026-03-01T09:00:00"},
		{"not a time", false, "not a time"},
	}
	for _, tc := range cases {
		if got := LocalInput(tc.in, tc.isTo); got != tc.want {
			t.Errorf("LocalInput(%q, %v) = %q, want %q", tc.in, tc.isTo, got, tc.want)
		}
		// What the form shows must select the same range when submitted.
		if tc.want == tc.in || tc.in == "not a time" {
			continue
		}
		key := map[bool]string{false: "from", true: "to"}[tc.isTo]
		a, _ := audit.ParseFilter(url.Values{key: {tc.in}})
		b, _ := audit.ParseFilter(url.Values{key: {tc.want}})
		if !a.From.Equal(b.From) || !a.To.Equal(b.To) {
			t.Errorf("%s=%q and %s=%q select different ranges", key, tc.in, key, tc.want)
		}
	}
}
