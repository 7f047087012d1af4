package handlers

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/auditcli"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// auditPageSize is how many records one page of /audit shows.
const auditPageSize = 50

// parseFilter reads the audit filter from a query string. It is the CLI's
// parser (auditcli.ParseFilter), so `roomdesk audit export` with the same
// values selects the same rows as the console's export link.
func parseFilter(q url.Values) (audit.Filter, map[string]string) {
	return auditcli.ParseFilter(q)
}

// parseCursor reads the keyset cursor ("before"): empty is the newest page.
func parseCursor(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("bad cursor")
	}
	return n, nil
}

// filterInputs is the filter as the form shows it: trimmed, and times in
// the one spelling a datetime-local input displays.
func filterInputs(q url.Values) map[string]string {
	out := make(map[string]string, len(auditcli.FilterKeys))
	for _, k := range auditcli.FilterKeys {
		out[k] = strings.TrimSpace(q.Get(k))
	}
	for _, k := range []string{"from", "to"} {
		if out[k] != "" {
			out[k] = auditcli.LocalInput(out[k], k == "to")
		}
	}
	return out
}

// codeMeanings explains the Tencent ErrorCodes on a page (shown as tooltips).
func codeMeanings(recs []audit.Record) map[int]string {
	m := map[int]string{}
	for _, r := range recs {
		if r.Result != nil && (r.Result.ErrorCode != 0 || r.Result.ActionStatus != "") {
			m[r.Result.ErrorCode] = tencent.Describe(r.Result.ErrorCode).Meaning
		}
	}
	return m
}
