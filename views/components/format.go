// Package components holds what every console page draws the same way:
// badges, the copy button, the pager, a field's error and byte counter, and
// the formatting and URLs they share (one room URL, one audit-entry URL,
// one time format (time.templ), one latency format). It imports no domain package.
package components

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/i18n"
)

// RoomURL is a room's page. RoomIds may hold '/', '#', '?' and spaces.
func RoomURL(id string) string { return "/rooms/" + url.PathEscape(id) }

// AuditEntryURL is one audit entry's page.
func AuditEntryURL(seq int64) string { return "/audit/" + strconv.FormatInt(seq, 10) }

// Latency is how long a call took, the same on the result panel and in the
// audit log: "4.2 ms", "87 ms", "1.2 s".
func Latency(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// Count groups thousands: 1234567 is "1,234,567".
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Shown makes an empty value visible in before/after tables.
func Shown(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "rooms.Empty")
	}
	return s
}

// RoleClass is the class of a role's badge ("role role-admin").
func RoleClass(role string) string { return "role role-" + role }

// RoleName is a role (viewer, operator, admin) as the reader's language
// names it; an unknown role is shown as recorded.
func RoleName(ctx context.Context, role string) string {
	switch role {
	case "viewer":
		return i18n.T(ctx, "common.RoleViewer")
	case "operator":
		return i18n.T(ctx, "common.RoleOperator")
	case "admin":
		return i18n.T(ctx, "common.RoleAdmin")
	}
	return role
}

// Age says how long ago something was, in the reader's language: "just
// now", "2 minutes ago", "3 hours ago", "4 days ago".
func Age(ctx context.Context, d time.Duration) string {
	switch {
	case d < time.Minute:
		return i18n.T(ctx, "catalogue.JustNow")
	case d < time.Hour:
		n := int(d / time.Minute)
		return i18n.Tn(ctx, "catalogue.MinutesAgo", n, map[string]any{"Count": n})
	case d < 48*time.Hour:
		n := int(d / time.Hour)
		return i18n.Tn(ctx, "catalogue.HoursAgo", n, map[string]any{"Count": n})
	}
	n := int(d / (24 * time.Hour))
	return i18n.Tn(ctx, "catalogue.DaysAgo", n, map[string]any{"Count": n})
}
