package sqlstore_test

import (
	"context"
	"testing"

	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// Verify reads the log in chunks of 5,000 rows: one row past a chunk is
// read and checked too, and the tree's end is compared with the last row,
// not with the end of the first chunk.
func TestVerifyReadsPastTheFirstChunk(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s := sqlstore.New(dbtest.Open(t, d))
			fill(t, s, 5001, "")
			rep, err := s.VerifyTree(context.Background(), 5001)
			if err != nil || !rep.OK() || rep.Rows != 5001 {
				t.Fatalf("VerifyTree = %+v, %v; want 5001 intact rows", rep, err)
			}
			if rep.RootAt != rep.Root {
				t.Errorf("root at row 5001 %v, root of the whole log %v: the walk stopped early", rep.RootAt, rep.Root)
			}
		})
	}
}
