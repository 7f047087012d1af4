// Package localtime is how roomdesk shows and reads times in the viewer's
// time zone: the zone a request carries (the user's choice, else
// ROOMDESK_TIMEZONE, else UTC), the one display format every page uses, and
// the one input format every form takes.
//
// Displayed: "2026-11-26 15:04:05 UTC+8", the wall clock in the zone and
// its offset from UTC, so a reader who did not choose the zone still knows
// the instant (zone abbreviations are ambiguous: Asia/Shanghai's "CST" is
// also US Central). The UTC instant itself goes into <time datetime> and
// the hover title (FormatUTC). Typed: "2026-11-26 15:04" (seconds
// optional, a date alone for a whole day), read as a wall clock in the
// zone. Stored, exported and printed by the CLI: UTC, unchanged.
package localtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone names resolve without the system's tz database (scratch containers)
)

// ErrUnknownZone is a zone name the tz database does not know.
var ErrUnknownZone = errors.New("localtime: unknown time zone")

// Load resolves an IANA zone name; "" and "UTC" are UTC. "Local" (the
// server's own zone, whatever the container says) is refused: a saved
// preference must mean the same on every instance.
func Load(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if name == "Local" {
		return nil, fmt.Errorf("%w: %q", ErrUnknownZone, name)
	}
	if loc, ok := loaded.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownZone, name)
	}
	loaded.Store(name, loc)
	return loc, nil
}

// loaded keeps the zones Load has read: time.LoadLocation reads and parses
// a tz file on every call, and the localZone middleware resolves a zone on
// every request. Only names that loaded are kept, so the map is bounded by
// the tz database, whatever names are posted.
var loaded sync.Map // string → *time.Location

// Resolve is the first of names that loads (empty ones skipped), else UTC:
// the user's preference, then the server default.
func Resolve(names ...string) *time.Location {
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		if loc, err := Load(n); err == nil {
			return loc
		}
	}
	return time.UTC
}

type ctxKey struct{}

// With returns ctx carrying loc, the zone its pages show times in.
func With(ctx context.Context, loc *time.Location) context.Context {
	return context.WithValue(ctx, ctxKey{}, loc)
}

// From is the zone ctx carries, UTC when none (the CLI, a view rendered
// alone in a test).
func From(ctx context.Context) *time.Location {
	if loc, ok := ctx.Value(ctxKey{}).(*time.Location); ok && loc != nil {
		return loc
	}
	return time.UTC
}

// The layouts of the one display format.
const (
	displayLayout = "2006-01-02 15:04:05"
	exactLayout   = "2006-01-02 15:04:05.000000"
)

// Format is t in loc, to the second, with its offset. Zero is "—".
func Format(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(loc)
	return t.Format(displayLayout) + " " + Offset(t)
}

// FormatExact is Format to the microsecond (an audit entry examined).
func FormatExact(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(loc)
	return t.Format(exactLayout) + " " + Offset(t)
}

// FormatUTC is the instant in UTC, for the hover title beside a local
// time ("2026-11-26 07:04:05 UTC"). Zero is "".
func FormatUTC(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(displayLayout) + " UTC"
}

// ISO is the instant for a <time datetime> attribute: RFC 3339 in UTC.
func ISO(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Offset is t's offset from UTC as the pages write it: "UTC" when none,
// else "UTC+8", "UTC-5", "UTC+5:30".
func Offset(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off%3600/60
	if m == 0 {
		return fmt.Sprintf("UTC%s%d", sign, h)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, h, m)
}

// ZoneLabel names loc for a form's hint: "Asia/Tokyo (UTC+9)", with the
// offset it has at now.
func ZoneLabel(loc *time.Location, now time.Time) string {
	if loc == time.UTC || loc.String() == "UTC" {
		return "UTC"
	}
	return loc.String() + " (" + Offset(now.In(loc)) + ")"
}
