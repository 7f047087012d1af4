package schedule

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zone names resolve without the system's tz database (containers)
)

// LocalLayout is how the form's datetime-local inputs write a time.
const LocalLayout = "2006-01-02T15:04"

// Zone resolves a zone name (users.timezone, ROOMDESK_TIMEZONE); "" is UTC.
func Zone(name string) (*time.Location, error) {
	if strings.TrimSpace(name) == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(strings.TrimSpace(name))
	if err != nil {
		return nil, fmt.Errorf("schedule: unknown time zone %q", name)
	}
	return loc, nil
}

// ParseLocal reads a time typed into the form ("2026-11-26T20:00", with or
// without seconds) as a wall clock time in loc. "" is the zero time. The
// one place a scheduled time is read, so every form agrees on it.
func ParseLocal(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{LocalLayout + ":05", LocalLayout, "2006-01-02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("schedule: %q is not a date and time like 2026-11-26T20:00", s)
}

// FormatLocal is t as the form's inputs write it, in loc (seconds only
// when they are not zero).
func FormatLocal(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if t.Second() != 0 {
		return t.Format(LocalLayout + ":05")
	}
	return t.Format(LocalLayout)
}
