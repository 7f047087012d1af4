package auditview

import (
	"net/url"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

func TestLocalInput(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	utc := time.UTC
	cases := []struct {
		in       string
		isTo     bool
		from, to *time.Location
		want     string
	}{
		{"2026-03-01 09:30", false, utc, utc, "2026-03-01 09:30"},
		{"2026-03-01T09:30", true, utc, utc, "2026-03-01 09:30"}, // what datetime-local sent
		{"2026-03-01", false, utc, utc, "2026-03-01 00:00"},
		{"2026-03-01", true, utc, utc, "2026-03-01 23:59"}, // resubmitted, still the whole day
		{"2026-03-01 09:30:15", true, utc, utc, "2026-03-01 09:30:15"},
		{"2026-03-01T17:00:00+08:00", false, utc, utc, "2026-03-01 09:00"},
		{"2026-03-01 09:30", false, utc, tokyo, "2026-03-01 18:30"}, // a UTC link read in Tokyo
		{"2026-03-01", true, tokyo, tokyo, "2026-03-01 23:59"},
		{"2026-03-01", true, tokyo, utc, "2026-03-01 14:59"},
		{"not a time", false, utc, tokyo, "not a time"},
	}
	for _, tc := range cases {
		got := LocalInput(tc.in, tc.isTo, tc.from, tc.to)
		if got != tc.want {
			t.Errorf("LocalInput(%q, %v, %v, %v) = %q, want %q", tc.in, tc.isTo, tc.from, tc.to, got, tc.want)
		}
		// What the form shows (in its zone) must select the same range
		// when submitted.
		if tc.in == "not a time" {
			continue
		}
		key := map[bool]string{false: "from", true: "to"}[tc.isTo]
		a, _ := audit.ParseFilter(url.Values{key: {tc.in}, "tz": {tc.from.String()}})
		b, _ := audit.ParseFilter(url.Values{key: {tc.want}, "tz": {tc.to.String()}})
		if !a.From.Equal(b.From) || !a.To.Equal(b.To) {
			t.Errorf("%s=%q in %v and %s=%q in %v select different ranges", key, tc.in, tc.from, key, tc.want, tc.to)
		}
	}
}

func TestFilterValuesShowTheViewersZone(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	q := url.Values{"from": {"2026-03-01 10:00"}, "to": {"2026-03-01"}, "tz": {"Asia/Shanghai"}, "room": {" r1 "}}
	v := FilterValues(q, tokyo)
	if v["from"] != "2026-03-01 11:00" || v["to"] != "2026-03-02 00:59" || v["tz"] != "Asia/Tokyo" || v["room"] != "r1" {
		t.Errorf("FilterValues = %v", v)
	}
}
