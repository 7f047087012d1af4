package bulk

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/safetext"
)

// ResultsHeader is the first line of a job's results CSV.
var ResultsHeader = []string{"seq", "line", "RoomId", "status", "message", "changes",
	"RequestId", "ErrorCode", "ErrorInfo", "attempts", "audit_intent_seq", "finished_at"}

// WriteResultsCSV streams a job's items as CSV (RFC 4180). Every cell goes
// through safetext.NeutraliseCell, as in the audit export: RoomIds, names
// and Tencent's ErrorInfo are not ours to trust.
func (s *Service) WriteResultsCSV(ctx context.Context, id int64, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ResultsHeader); err != nil {
		return err
	}
	err := s.ExportItems(ctx, id, func(it Item) error {
		finished := ""
		if it.Status != ItemPending && it.Status != ItemSending && !it.UpdatedAt.IsZero() {
			finished = it.UpdatedAt.UTC().Format(time.RFC3339Nano)
		}
		row := []string{strconv.Itoa(it.Seq), strconv.Itoa(it.Line), it.RoomID, it.Status, it.Message, it.Changes,
			it.RequestID, strconv.Itoa(it.ErrorCode), it.ErrorInfo, strconv.Itoa(it.Attempts),
			strconv.FormatInt(it.IntentSeq, 10), finished}
		for i := range row {
			row[i] = safetext.NeutraliseCell(row[i])
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
