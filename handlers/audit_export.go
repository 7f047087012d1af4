package handlers

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// AuditExportCSV is GET /audit/export.csv: the current filter as CSV.
func (h *Handlers) AuditExportCSV(c echo.Context) error {
	return h.auditExport(c, "csv", "text/csv; charset=utf-8")
}

// AuditExportJSONL is GET /audit/export.jsonl: the current filter as JSON Lines.
func (h *Handlers) AuditExportJSONL(c echo.Context) error {
	return h.auditExport(c, "jsonl", "application/x-ndjson; charset=utf-8")
}

// auditExport streams the records row by row with the same writer as
// `roomdesk audit export` (formula cells neutralised), flushing every few
// hundred rows, so a log of any length costs constant memory.
func (h *Handlers) auditExport(c echo.Context, format, contentType string) error {
	f, errs := audit.ParseFilter(c.QueryParams())
	if len(errs) > 0 {
		// An export of some other rows than asked would be worse than none.
		return exportRefused(c, errs)
	}
	// Who took a copy of the log, and of which rows, is itself audited;
	// written first, so a failed export is on record too.
	h.appendEvent(c, audit.Entry{
		Action: audit.ActionAuditExport, Outcome: audit.OutcomeOK,
		Detail: format + " export; filter: " + filterSummary(c.QueryParams()),
	})
	name := "roomdesk-audit-" + h.Now().UTC().Format("20060102T150405Z") + "." + format
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, contentType)
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	n, err := audit.Export(c.Request().Context(), h.Audit, f, format, res, res.Flush)
	user, _ := currentUser(c)
	if err != nil {
		if !res.Committed {
			return err // nothing sent yet: the error page can still say so
		}
		// Part of the file has gone out with a 200. Aborting the connection
		// makes the download fail visibly instead of ending cleanly and
		// passing for a complete export.
		h.Logger.Error("audit export failed midway", "user", user.Username, "records", n, "err", err)
		panic(http.ErrAbortHandler)
	}
	h.Logger.Info("audit export", "user", user.Username, "format", format, "records", n)
	return nil
}

// filterSummary is the export's filter as the auditor wrote it, or "none".
func filterSummary(q url.Values) string {
	if s := audit.CleanQuery(q).Encode(); s != "" {
		return s
	}
	return "none"
}

// exportRefusal is an export refused for a bad filter, said in the
// reader's language with what is wrong with each field (problemFor).
type exportRefusal struct{ message string }

func (e *exportRefusal) Error() string { return "audit export: bad filter: " + e.message }

func exportRefused(c echo.Context, errs map[string]string) error {
	msgs := auditFilterErrors(c.Request().Context(), c.QueryParams(), errs)
	keys := slices.Sorted(maps.Keys(msgs))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = msgs[k]
	}
	return &exportRefusal{message: strings.Join(parts, " ")}
}
