package schedule

import (
	"errors"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/localtime"
)

// Zone resolves a zone name (users.timezone, ROOMDESK_TIMEZONE); "" is UTC.
func Zone(name string) (*time.Location, error) {
	loc, err := localtime.Load(name)
	if err != nil {
		return nil, fmt.Errorf("schedule: unknown time zone %q", name)
	}
	return loc, nil
}

// ParseLocal reads a time typed into the form (the one input format,
// "2026-11-26 20:00", seconds optional; see localtime.Parse) as a wall
// clock time in loc. "" is the zero time; a time the clocks skip there
// is an error wrapping localtime.ErrSkipped.
func ParseLocal(s string, loc *time.Location) (time.Time, error) {
	t, err := localtime.ParseInstant(s, loc)
	if errors.Is(err, localtime.ErrSkipped) {
		return time.Time{}, fmt.Errorf("schedule: %q does not exist in %s: %w", s, loc, err)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("schedule: %q is not a date and time like 2026-11-26 20:00", s)
	}
	return t, nil
}

// FormatLocal is t as the form's inputs write it, in loc (seconds only
// when they are not zero).
func FormatLocal(t time.Time, loc *time.Location) string { return localtime.FormatInput(t, loc) }
