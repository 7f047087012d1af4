package auditview

import (
	"net/url"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/localtime"
)

// FilterValues is the filter as the form shows it to a viewer in loc:
// trimmed, and times in the one input format in the viewer's zone,
// whatever zone the query's tz read them in (a link shared from Tokyo
// shows Shanghai times to a reader in Shanghai, for the same instants).
// "tz" becomes loc's name, which the form sends back.
func FilterValues(q url.Values, loc *time.Location) map[string]string {
	out := make(map[string]string, len(audit.FilterKeys))
	for _, k := range audit.FilterKeys {
		out[k] = strings.TrimSpace(q.Get(k))
	}
	from := time.UTC
	if l, err := localtime.Load(out["tz"]); err == nil {
		from = l
	}
	for _, k := range []string{"from", "to"} {
		if out[k] != "" {
			out[k] = LocalInput(out[k], k == "to", from, loc)
		}
	}
	out["tz"] = loc.String()
	return out
}

// LocalInput is a filter time typed in zone from as the form shows it in
// zone to. For "to" it shows the last unit the bound includes, so a
// resubmitted form keeps the range it was given (to=2025-03-01 shows
// 2025-03-01 23:59). Unreadable input is returned as typed, so the
// message about it can be read beside it.
func LocalInput(s string, isTo bool, from, to *time.Location) string {
	start, end, err := localtime.Parse(s, from)
	if err != nil {
		return s
	}
	if isTo {
		return localtime.FormatInputLast(start, end, to)
	}
	return localtime.FormatInput(start, to)
}
