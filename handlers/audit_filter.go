package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// auditPageSize is how many records one page of /audit shows.
const auditPageSize = 50

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

// codeMeanings explains the Tencent ErrorCodes on a page (shown as tooltips).
func codeMeanings(ctx context.Context, recs []audit.Record) map[int]string {
	m := map[int]string{}
	for _, r := range recs {
		if r.Result != nil && (r.Result.ErrorCode != 0 || r.Result.ActionStatus != "") {
			m[r.Result.ErrorCode] = meaningText(ctx, r.Result.ErrorCode)
		}
	}
	return m
}
