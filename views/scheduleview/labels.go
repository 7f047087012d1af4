package scheduleview

import (
	"context"

	"github.com/roomdesk/roomdesk/internal/i18n"
)

// statusLabel is a step's or change's status in words.
func statusLabel(ctx context.Context, status string) string {
	switch status {
	case "upcoming":
		return i18n.T(ctx, "schedule.StatusUpcoming")
	case "running":
		return i18n.T(ctx, "schedule.StatusRunning")
	case "done":
		return i18n.T(ctx, "schedule.StatusDone")
	case "flagged":
		return i18n.T(ctx, "schedule.StatusFlagged")
	case "skipped":
		return i18n.T(ctx, "schedule.StatusSkipped")
	case "failed":
		return i18n.T(ctx, "schedule.StatusFailed")
	case "cancelled":
		return i18n.T(ctx, "schedule.StatusCancelled")
	}
	return status
}

func kindLabel(ctx context.Context, kind string) string {
	if kind == "revert" {
		return i18n.T(ctx, "schedule.KindRevert")
	}
	return i18n.T(ctx, "schedule.KindApply")
}
