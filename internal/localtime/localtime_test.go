package localtime

import (
	"context"
	"errors"
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestFormat(t *testing.T) {
	ny, tokyo, kolkata := mustLoad(t, "America/New_York"), mustLoad(t, "Asia/Tokyo"), mustLoad(t, "Asia/Kolkata")
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"UTC", at("2026-11-26T07:04:05Z"), time.UTC, "2026-11-26 07:04:05 UTC"},
		{"Tokyo", at("2026-11-26T07:04:05Z"), tokyo, "2026-11-26 16:04:05 UTC+9"},
		{"Tokyo across midnight", at("2026-11-26T20:00:00Z"), tokyo, "2026-11-27 05:00:00 UTC+9"},
		{"half-hour offset", at("2026-11-26T07:04:05Z"), kolkata, "2026-11-26 12:34:05 UTC+5:30"},
		// New York springs forward at 2026-03-08 07:00 UTC (02:00 EST → 03:00 EDT).
		{"New York a second before the change", at("2026-03-08T06:59:59Z"), ny, "2026-03-08 01:59:59 UTC-5"},
		{"New York at the change", at("2026-03-08T07:00:00Z"), ny, "2026-03-08 03:00:00 UTC-4"},
		// ... and falls back at 2026-11-01 06:00 UTC: 01:30 happens twice.
		{"New York first 01:30", at("2026-11-01T05:30:00Z"), ny, "2026-11-01 01:30:00 UTC-4"},
		{"New York second 01:30", at("2026-11-01T06:30:00Z"), ny, "2026-11-01 01:30:00 UTC-5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Format(tc.t, tc.loc); got != tc.want {
				t.Errorf("Format = %q, want %q", got, tc.want)
			}
		})
	}
	if got := FormatExact(at("2026-11-26T07:04:05.123456Z"), tokyo); got != "2026-11-26 16:04:05.123456 UTC+9" {
		t.Errorf("FormatExact = %q", got)
	}
	if got := FormatUTC(at("2026-11-26T16:04:05+09:00")); got != "2026-11-26 07:04:05 UTC" {
		t.Errorf("FormatUTC = %q", got)
	}
	if got := ISO(at("2026-11-26T16:04:05+09:00")); got != "2026-11-26T07:04:05Z" {
		t.Errorf("ISO = %q", got)
	}
	if Format(time.Time{}, tokyo) != "—" || FormatExact(time.Time{}, tokyo) != "—" || FormatUTC(time.Time{}) != "" {
		t.Error("a zero time is not shown as — (or blank in a title)")
	}
}

func TestLoad(t *testing.T) {
	for _, name := range []string{"", "UTC", "Asia/Tokyo", "Asia/Shanghai", "America/New_York", " Europe/Berlin "} {
		if _, err := Load(name); err != nil {
			t.Errorf("Load(%q): %v", name, err)
		}
	}
	for _, name := range []string{"Mars/Olympus", "Local", "../../etc/passwd", "asia/tokyo", "UTC+8"} {
		if _, err := Load(name); !errors.Is(err, ErrUnknownZone) {
			t.Errorf("Load(%q) = %v, want ErrUnknownZone", name, err)
		}
	}
	for _, name := range Choices() {
		if _, err := Load(name); err != nil {
			t.Errorf("offered zone %q does not load: %v", name, err)
		}
	}
}

func TestResolveAndContext(t *testing.T) {
	if got := Resolve("", "Asia/Tokyo").String(); got != "Asia/Tokyo" {
		t.Errorf("no preference: %q, want the default", got)
	}
	if got := Resolve("Asia/Shanghai", "Asia/Tokyo").String(); got != "Asia/Shanghai" {
		t.Errorf("preference: %q", got)
	}
	if got := Resolve("Mars/Olympus", ""); got != time.UTC {
		t.Errorf("an unloadable preference and no default: %v, want UTC", got)
	}
	if From(context.Background()) != time.UTC {
		t.Error("a context without a zone is not UTC")
	}
	tokyo := mustLoad(t, "Asia/Tokyo")
	if From(With(context.Background(), tokyo)) != tokyo {
		t.Error("With/From lost the zone")
	}
}

func TestParse(t *testing.T) {
	ny, tokyo := mustLoad(t, "America/New_York"), mustLoad(t, "Asia/Tokyo")
	tests := []struct {
		in         string
		loc        *time.Location
		start, end string // RFC 3339, UTC
	}{
		{"2026-11-26 15:04", tokyo, "2026-11-26T06:04:00Z", "2026-11-26T06:05:00Z"},
		{"2026-11-26 15:04:05", tokyo, "2026-11-26T06:04:05Z", "2026-11-26T06:04:06Z"},
		{"2026-11-26T15:04", tokyo, "2026-11-26T06:04:00Z", "2026-11-26T06:05:00Z"}, // what datetime-local sent
		{"2026-11-26", tokyo, "2026-11-25T15:00:00Z", "2026-11-26T15:00:00Z"},
		{"2026-11-26 15:04", time.UTC, "2026-11-26T15:04:00Z", "2026-11-26T15:05:00Z"},
		{" 2026-11-26 15:04:05.5 ", time.UTC, "2026-11-26T15:04:05.5Z", "2026-11-26T15:04:05.500001Z"},
		{"2026-11-26T15:04:05+08:00", tokyo, "2026-11-26T07:04:05Z", "2026-11-26T07:04:06Z"}, // its own offset wins
		// The spring-forward day in New York has 23 hours, the fall-back day 25.
		{"2026-03-08", ny, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"},
		{"2026-11-01", ny, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"},
		{"2026-03-08 03:00", ny, "2026-03-08T07:00:00Z", "2026-03-08T07:01:00Z"},
		{"2026-03-08 01:59", ny, "2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.in+" in "+tc.loc.String(), func(t *testing.T) {
			start, end, err := Parse(tc.in, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			if got := start.UTC().Format(time.RFC3339Nano); got != tc.start {
				t.Errorf("start = %s, want %s", got, tc.start)
			}
			if got := end.UTC().Format(time.RFC3339Nano); got != tc.end {
				t.Errorf("end = %s, want %s", got, tc.end)
			}
		})
	}
	for _, bad := range []string{"", "yesterday", "26/11/2026", "2026-11-26 25:00", "2026-02-30", "11/26/2026 3:04 PM", "2026-11-26 15"} {
		if _, _, err := Parse(bad, tokyo); !errors.Is(err, ErrFormat) {
			t.Errorf("Parse(%q) = %v, want ErrFormat", bad, err)
		}
	}
	if v, err := ParseInstant("", tokyo); err != nil || !v.IsZero() {
		t.Errorf("ParseInstant(\"\") = %v, %v; want the zero time", v, err)
	}
}

func TestFormatInputRoundTrips(t *testing.T) {
	tokyo := mustLoad(t, "Asia/Tokyo")
	for _, in := range []string{"2026-11-26 15:04", "2026-11-26 15:04:05"} {
		start, _, err := Parse(in, tokyo)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatInput(start, tokyo); got != in {
			t.Errorf("FormatInput(Parse(%q)) = %q", in, got)
		}
	}
	start, end, _ := Parse("2026-11-26", tokyo)
	if got := FormatInputLast(start, end, tokyo); got != "2026-11-26 23:59" {
		t.Errorf("a whole day's last minute = %q", got)
	}
	start, end, _ = Parse("2026-11-26 15:04:05", tokyo)
	if got := FormatInputLast(start, end, tokyo); got != "2026-11-26 15:04:05" {
		t.Errorf("a second's last unit = %q", got)
	}
}

// A wall clock time the zone skips (daylight saving begins) is refused by
// ParseInstant, not moved; the hour before and after, a repeated hour and
// a whole day are read.
func TestParseInstantRefusesSkippedTimes(t *testing.T) {
	ny, err := Load("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"2027-03-14 02:30", "2027-03-14 02:00", "2027-03-14T02:59:59", "2027-03-14 02:30:00"} {
		if got, err := ParseInstant(s, ny); !errors.Is(err, ErrSkipped) {
			t.Errorf("ParseInstant(%q) = %v, %v; want ErrSkipped", s, got, err)
		}
	}
	for s, want := range map[string]string{
		"2027-03-14 01:59":          "2027-03-14T06:59:00Z",
		"2027-03-14 03:00":          "2027-03-14T07:00:00Z",
		"2027-11-07 01:30":          "2027-11-07T05:30:00Z", // repeated: the first
		"2027-03-14":                "2027-03-14T05:00:00Z",
		"2027-03-14T02:30:00-05:00": "2027-03-14T07:30:00Z", // its own offset
	} {
		got, err := ParseInstant(s, ny)
		if err != nil || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("ParseInstant(%q) = %v, %v; want %s", s, got.UTC(), err, want)
		}
	}
	if _, err := ParseInstant("2027-03-14 02:30", time.UTC); err != nil {
		t.Errorf("UTC skips nothing: %v", err)
	}
}
