package bulk

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// ResultsHeader is the first line of a job's results CSV.
var ResultsHeader = []string{"seq", "line", "RoomId", "status", "message", "changes",
	"RequestId", "ErrorCode", "ErrorInfo", "attempts", "audit_intent_seq", "finished_at"}

// WriteResultsCSV streams a job's items as CSV (RFC 4180). Cells that a
// spreadsheet would evaluate as a formula are neutralised, as in the audit
// export: RoomIds, names and Tencent's ErrorInfo are not ours to trust.
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
			row[i] = safeCell(row[i])
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// safeCell defuses spreadsheet formula injection (OWASP "CSV injection"),
// exactly as audit's CSV export does: a cell starting with = + - @ tab or
// CR gets a leading single quote.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
