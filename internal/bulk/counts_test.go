package bulk_test

import (
	"testing"

	"github.com/roomdesk/roomdesk/internal/bulk"
)

// A job's counts split into finished (an outcome) and remaining (none yet).
func TestCountsFinishedAndRemaining(t *testing.T) {
	c := bulk.Counts{Pending: 1, Sending: 2, Done: 4, Failed: 8, Skipped: 16}
	if c.Finished() != 28 || c.Remaining() != 3 {
		t.Errorf("%+v: finished %d, remaining %d; want 28 and 3", c, c.Finished(), c.Remaining())
	}
}
