package roomsview

import (
	"context"
	"time"

	"github.com/roomdesk/roomdesk/internal/i18n"
)

// age says how long ago something was, in the reader's language: "just
// now", "2 minutes ago", "3 hours ago", "4 days ago".
func age(ctx context.Context, d time.Duration) string {
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
