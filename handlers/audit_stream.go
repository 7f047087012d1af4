package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// Stream limits: rows per answer, and the longest a long poll waits.
const (
	streamLimit   = 500
	streamMaxWait = 60 * time.Second
	streamPoll    = 2 * time.Second // other instances' appends
	streamBeat    = 15 * time.Second
)

// AuditStream is GET /audit/stream: the audit log's rows after a seq as
// JSON Lines (the export's line shape, one per row), for log shippers.
// Resumable from ?after= or Last-Event-ID. With Accept: text/event-stream
// it is server-sent events that follow the log until the client leaves;
// otherwise a long poll: the rows there are now, or the first to arrive
// within ?wait= seconds (default 25, at most 60). docs/NOTIFY.md.
func (h *Handlers) AuditStream(c echo.Context) error {
	after, err := streamAfter(c)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	if strings.Contains(c.Request().Header.Get("Accept"), "text/event-stream") {
		return h.streamEvents(c, after)
	}
	wait := 25 * time.Second
	if v := c.QueryParam("wait"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || time.Duration(n)*time.Second > streamMaxWait {
			return echo.NewHTTPError(http.StatusBadRequest, "wait must be 0 to 60 seconds")
		}
		wait = time.Duration(n) * time.Second
	}
	ctx := c.Request().Context()
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		changed := h.Notify.Changed()
		es, err := h.Notify.Since(ctx, after, streamLimit)
		if err != nil {
			return err
		}
		if len(es) > 0 || wait == 0 {
			return writeStream(c, after, es)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-deadline.C:
			return writeStream(c, after, nil)
		case <-changed:
		case <-time.After(streamPoll):
		}
	}
}

// writeStream answers a long poll. X-Roomdesk-Last-Seq is the ?after= of
// the next poll.
func writeStream(c echo.Context, after int64, es []audit.Entry) error {
	if len(es) > 0 {
		after = es[len(es)-1].Seq
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "application/x-ndjson; charset=utf-8")
	res.Header().Set("X-Roomdesk-Last-Seq", strconv.FormatInt(after, 10))
	res.WriteHeader(http.StatusOK)
	w := audit.NewJSONLWriter(res)
	for _, e := range es {
		if err := w.WriteEntry(e); err != nil {
			return err
		}
	}
	return w.Flush()
}

// streamAfter is where to resume: ?after=, else Last-Event-ID, else 0.
func streamAfter(c echo.Context) (int64, error) {
	v := c.QueryParam("after")
	if v == "" {
		v = c.Request().Header.Get("Last-Event-ID")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("after must be an audit seq (a whole number, 0 or more)")
	}
	return n, nil
}
