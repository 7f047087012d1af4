package auditview

import (
	"net/url"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// FilterValues is the filter as the form shows it: trimmed, and times in
// the one spelling a datetime-local input displays.
func FilterValues(q url.Values) map[string]string {
	out := make(map[string]string, len(audit.FilterKeys))
	for _, k := range audit.FilterKeys {
		out[k] = strings.TrimSpace(q.Get(k))
	}
	for _, k := range []string{"from", "to"} {
		if out[k] != "" {
			out[k] = LocalInput(out[k], k == "to")
		}
	}
	return out
}

// LocalInput renders a filter time for an <input type="datetime-local">,
// which shows only "2006-01-02T15:04[:05]" and would silently blank any
// other spelling. For "to" it shows the last unit the bound includes, so a
// resubmitted form keeps the range it was given (to=2025-03-01 shows
// 2025-03-01T23:59). Unreadable input is returned as typed.
func LocalInput(s string, isTo bool) string {
	t, span, err := audit.ParseTime(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	if isTo && span >= time.Minute {
		t = t.Add(span - time.Minute)
		span = time.Minute
	}
	switch {
	case span >= time.Minute:
		return t.Format("2006-01-02T15:04")
	case span == time.Second:
		return t.Format("2006-01-02T15:04:05")
	default:
		return t.Format("2006-01-02T15:04:05.000000")
	}
}
