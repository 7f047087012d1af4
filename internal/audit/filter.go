package audit

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/localtime"
)

// FilterKeys are the filter's query parameters, in the order a canonical
// query lists them. The CLI's flags are the same names with "-" for "_".
// The web handlers parse their query string with ParseFilter too, so the
// console's export and `roomdesk audit export` with the same values select
// exactly the same rows: an auditor can re-run one with the other.
//
// "tz" is the IANA zone "from" and "to" are read in (UTC when absent): the
// console's filter form sends the viewer's zone, so a shared link means the
// same instants to every reader, and a link without it means UTC, as it
// always did.
var FilterKeys = []string{"app", "room", "actor", "action", "outcome", "request_id", "job", "from", "to", "tz"}

// Outcomes an auditor can filter on. "pending" is deliberately absent: it
// is what an intent row stores, while the record's outcome is its result's,
// or "unknown" when there is none.
var Outcomes = []string{OutcomeOK, OutcomeFailed, OutcomeUnknown, OutcomeDenied}

var (
	actionPattern = regexp.MustCompile(`^[a-z0-9_.]{1,64}$`)
	appPattern    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`) // config's app id
)

// ParseFilter reads a filter from query values (see FilterKeys). Values are
// trimmed; empty ones match everything. Each unreadable value yields a
// message keyed by its parameter, written for the person who typed it; the
// returned filter is then not meant to be used.
//
// Times are in the one input format (localtime.Parse: "2025-03-01 14:30",
// seconds optional, or a date alone), read in the zone tz names, UTC when
// there is none; an RFC 3339 time keeps its own offset. "to" includes the
// whole unit written: to=2025-03-01 14:30 covers 14:30:59, to=2025-03-01
// the whole day in that zone.
func ParseFilter(v url.Values) (Filter, map[string]string) {
	errs := map[string]string{}
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := Filter{
		RoomID:    get("room"),
		Actor:     get("actor"),
		Action:    get("action"),
		Outcome:   get("outcome"),
		RequestID: get("request_id"),
		JobID:     get("job"),
		App:       get("app"),
	}
	if f.App != "" && !appPattern.MatchString(f.App) {
		errs["app"] = "An app id is a short lowercase name such as prod-cn."
	}
	if f.RoomID != "" && !printableASCII(f.RoomID, 48) {
		errs["room"] = "A RoomId is 1 to 48 printable ASCII characters."
	}
	if len(f.Actor) > 200 {
		errs["actor"] = "That operator name is too long (at most 200 bytes)."
	}
	if f.Action != "" && !actionPattern.MatchString(f.Action) {
		errs["action"] = "Unknown action."
	}
	if f.Outcome != "" && !slices.Contains(Outcomes, f.Outcome) {
		errs["outcome"] = "Outcome must be one of: ok, failed, unknown, denied."
	}
	if f.RequestID != "" && !printableASCII(f.RequestID, 128) {
		errs["request_id"] = "A RequestId is at most 128 printable ASCII characters."
	}
	if f.JobID != "" && !printableASCII(f.JobID, 128) {
		errs["job"] = "A job id is at most 128 printable ASCII characters."
	}
	loc := time.UTC
	if s := get("tz"); s != "" {
		l, err := localtime.Load(s)
		if err != nil {
			errs["tz"] = "Unknown time zone: use an IANA name such as Asia/Shanghai."
		} else {
			loc = l
		}
	}
	if s := get("from"); s != "" {
		t, _, err := localtime.Parse(s, loc)
		if err != nil {
			errs["from"] = badTime(s, loc)
		}
		f.From = t.UTC()
	}
	if s := get("to"); s != "" {
		_, end, err := localtime.Parse(s, loc)
		if err != nil {
			errs["to"] = badTime(s, loc)
		}
		f.To = end.UTC()
	}
	if errs["from"] == "" && errs["to"] == "" && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		errs["to"] = "“To” must be after “From”."
	}
	return f, errs
}

// badTime quotes what was typed (the console translates it; the CLI
// prints it as is).
func badTime(s string, loc *time.Location) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s) + " is not a time. Use a date and time like 2025-03-01 14:30 (or 2025-03-01), in " + loc.String() + "."
}

// CleanQuery keeps only the filter's parameters, trimmed and non-empty: the
// canonical, shareable form of a filtered view (Encode sorts the keys). tz
// is kept only beside a time it applies to.
func CleanQuery(v url.Values) url.Values {
	out := url.Values{}
	for _, k := range FilterKeys {
		if s := strings.TrimSpace(v.Get(k)); s != "" {
			out.Set(k, s)
		}
	}
	if out.Get("from") == "" && out.Get("to") == "" {
		out.Del("tz")
	}
	return out
}

func printableASCII(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
