package localtime

import (
	"errors"
	"strings"
	"time"
)

// InputLayout is the one way every form takes a time: the hint and the
// placeholder show it, Parse reads it (seconds optional).
const InputLayout = "2006-01-02 15:04"

// InputPattern is the inputs' pattern attribute: a date, optionally a
// time to the minute or second (the T that datetime-local wrote is still
// read, so old links and scripts keep working).
const InputPattern = `\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?`

// ErrFormat is a value Parse cannot read.
var ErrFormat = errors.New("localtime: not a date and time like 2026-11-26 20:00")

// inputLayouts are the accepted spellings, each with the unit it denotes.
var inputLayouts = []struct {
	layout string
	unit   time.Duration // 0: a calendar day in the zone
}{
	{"2006-01-02 15:04", time.Minute},
	{"2006-01-02 15:04:05", time.Second},
	{"2006-01-02T15:04", time.Minute},
	{"2006-01-02T15:04:05", time.Second},
	{"2006-01-02", 0},
}

// Parse reads a typed time as a wall clock in loc and returns the first
// instant it denotes and the first instant after it (end exclusive): a
// minute, a second, a microsecond when it has a fraction, or the whole day
// in loc (23 or 25 hours on a daylight-saving change). An RFC 3339 time
// with its own offset keeps it. A wall clock that a spring-forward skips
// is read as Go does (the offset before the change).
func Parse(s string, loc *time.Location) (start, end time.Time, err error) {
	s = strings.TrimSpace(s)
	for _, l := range inputLayouts {
		t, perr := time.ParseInLocation(l.layout, s, loc)
		if perr != nil {
			continue
		}
		switch {
		case t.Nanosecond() != 0: // a fraction after the seconds
			return t, t.Add(time.Microsecond), nil
		case l.unit == 0:
			return t, time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc), nil
		}
		return t, t.Add(l.unit), nil
	}
	t, perr := time.Parse(time.RFC3339Nano, s)
	if perr != nil {
		return time.Time{}, time.Time{}, ErrFormat
	}
	if t.Nanosecond() != 0 {
		return t, t.Add(time.Microsecond), nil
	}
	return t, t.Add(time.Second), nil
}

// ErrSkipped is a wall clock time that does not exist in the zone: the
// clocks jump over it when daylight saving begins (02:30 on the second
// Sunday of March in New York).
var ErrSkipped = errors.New("localtime: the clocks skip that time in this zone")

// ParseInstant is Parse's start, for forms that take one moment; "" is the
// zero time. A time the zone's clocks skip is refused (ErrSkipped) rather
// than read as some other time: a change scheduled for 02:30 must not run
// at 03:30 without the person who typed it being told.
func ParseInstant(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, _, err := Parse(s, loc)
	if err != nil {
		return t, err
	}
	for _, l := range inputLayouts {
		if l.unit == 0 { // a day starts at its first instant, whatever the clocks do
			continue
		}
		if wall, werr := time.Parse(l.layout, s); werr == nil {
			if got := t.In(loc); got.Hour() != wall.Hour() || got.Minute() != wall.Minute() || got.Day() != wall.Day() {
				return time.Time{}, ErrSkipped
			}
			break
		}
	}
	return t, nil
}

// FormatInput is t as a form shows it in loc (seconds only when not zero);
// zero is "".
func FormatInput(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if t.Nanosecond() != 0 {
		return t.Format("2006-01-02 15:04:05.000000")
	}
	if t.Second() != 0 {
		return t.Format(InputLayout + ":05")
	}
	return t.Format(InputLayout)
}

// FormatInputLast is the last unit a range ending (exclusively) at end
// includes, as a form shows it: the "to" of a filter whose end is
// 2025-03-02 00:00 shows 2025-03-01 23:59, so a resubmitted form keeps its
// range. A range shorter than a minute was typed to the second or finer,
// and shows as typed.
func FormatInputLast(start, end time.Time, loc *time.Location) string {
	if end.Sub(start) >= time.Minute {
		return FormatInput(end.Add(-time.Minute), loc)
	}
	return FormatInput(start, loc)
}
