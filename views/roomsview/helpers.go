package roomsview

import (
	"context"
	"strconv"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/components"
)

// The inputs this form draws by hand, named after the update_room_info
// fields (internal/rooms holds the names to the API; the handler tests
// post them).
const (
	nameRoomName       = "RoomName"
	nameMaxMembers     = "MaxMemberCount"
	nameMuted          = "IsMessageDisabled"
	nameCoverURL       = "CoverURL"
	nameCategory       = "Category"
	nameActivityStatus = "ActivityStatus"
	nameListed         = "IsPublicVisible"
	nameSeatMode       = "TakeSeatMode"
	nameNotice         = "Notice"
)

func yesNo(ctx context.Context, b bool) string {
	if b {
		return i18n.T(ctx, "rooms.Yes")
	}
	return i18n.T(ctx, "rooms.No")
}

func seatModeText(ctx context.Context, m string) string {
	switch m {
	case "FreeToTake":
		return i18n.T(ctx, "rooms.FreeToTake")
	case "ApplyToTake":
		return i18n.T(ctx, "rooms.ApplyToTake")
	case "":
		return "—"
	}
	return m
}

func coverSrc(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return "/static/img/no-cover.svg"
}

func outcomeClass(outcome string) string {
	switch outcome {
	case audit.OutcomeOK:
		return "alert result alert-ok"
	case audit.OutcomeFailed:
		return "alert result alert-bad"
	case audit.OutcomeUnknown:
		return "alert result alert-warn"
	}
	return "alert result alert-info"
}

func outcomeTitle(ctx context.Context, outcome string) string {
	switch outcome {
	case audit.OutcomeOK:
		return i18n.T(ctx, "rooms.OutcomeOK")
	case audit.OutcomeFailed:
		return i18n.T(ctx, "rooms.OutcomeFailed")
	case audit.OutcomeUnknown:
		return i18n.T(ctx, "rooms.OutcomeUnknown")
	}
	return i18n.T(ctx, "rooms.OutcomeNothing")
}

// class is the field's wrapper class.
func (f Field) class(extra ...string) string { return components.FieldClass(f.Error != "", extra...) }

// errorID is the id of the field's message, "" while it is valid.
func (f Field) errorID() string { return components.ErrorID(f.Name+"-error", f.Error) }

// original is the field's orig_* value as data-original, in the form
// app.js compares against (visible values joined by commas).
func (f Field) original() string {
	if f.Name == nameCategory { // as many as the form has boxes
		vals := nonEmpty(f.Original)
		return strings.Join(vals[:min(len(vals), len(f.Slots))], ",")
	}
	return strings.TrimSpace(last(f.Original))
}

// origValues are the orig_* inputs of a field; Category gets at least one
// (empty) so "no categories" is carried too.
func (f Field) origValues() []string {
	if f.Name == nameCategory {
		if out := nonEmptyRaw(f.Original); len(out) > 0 {
			return out
		}
		return []string{""}
	}
	return []string{last(f.Original)}
}

// text is the field's value as the read-only list shows it: codes with
// their names, booleans as words.
func (f Field) text(ctx context.Context) string {
	switch f.Name {
	case nameCategory:
		vals := nonEmpty(f.Slots)
		for i, v := range vals {
			if n, err := strconv.Atoi(v); err == nil {
				vals[i] = components.CategoryText(ctx, n)
			}
		}
		return strings.Join(vals, ", ")
	case nameActivityStatus:
		if n, err := strconv.Atoi(strings.TrimSpace(f.Value)); err == nil {
			return components.ActivityText(ctx, n)
		}
	case nameMuted, nameListed:
		return yesNo(ctx, f.Checked)
	case nameSeatMode:
		return seatModeText(ctx, f.Value)
	}
	return f.Value
}

func last(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// nonEmpty is the trimmed values that are not blank.
func nonEmpty(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// nonEmptyRaw is the values that are not blank, as sent.
func nonEmptyRaw(vals []string) []string {
	var out []string
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

// namedSlots are the field's codes that have names, as "Music (7)", for
// the hint under the inputs; "" when none has one.
func namedSlots(ctx context.Context, vals []string, activity bool) string {
	var out []string
	for _, v := range nonEmpty(vals) {
		n, err := strconv.Atoi(v)
		if err != nil {
			continue
		}
		text := components.CategoryText(ctx, n)
		if activity {
			text = components.ActivityText(ctx, n)
		}
		if text != v {
			out = append(out, text)
		}
	}
	return strings.Join(out, ", ")
}
