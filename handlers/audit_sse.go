package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// streamEvents follows the log as server-sent events: one event per row,
// its id the seq (so a reconnecting client resumes with Last-Event-ID).
func (h *Handlers) streamEvents(c echo.Context, after int64) error {
	ctx, res := c.Request().Context(), c.Response()
	rc := http.NewResponseController(res.Writer)
	res.Header().Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	res.Header().Set("X-Accel-Buffering", "no")
	res.WriteHeader(http.StatusOK)
	var line strings.Builder
	w := audit.NewJSONLWriter(&line)
	lastWrite := time.Now()
	for {
		rc.SetWriteDeadline(time.Now().Add(streamBeat + time.Minute)) // the server's WriteTimeout is per response
		changed := h.Notify.Changed()
		es, err := h.Notify.Since(ctx, after, streamLimit)
		if err != nil {
			return nil // the stream has begun: the client reconnects and resumes
		}
		for _, e := range es {
			line.Reset()
			if err := w.WriteEntry(e); err != nil || w.Flush() != nil {
				return nil
			}
			if _, err := fmt.Fprintf(res, "id: %d\nevent: audit\ndata: %s\n\n", e.Seq, strings.TrimSuffix(line.String(), "\n")); err != nil {
				return nil
			}
			after, lastWrite = e.Seq, time.Now()
		}
		res.Flush()
		if len(es) == streamLimit {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-time.After(streamPoll):
			if time.Since(lastWrite) >= streamBeat { // a comment line keeps proxies from closing an idle stream
				if _, err := fmt.Fprint(res, ": keep-alive\n\n"); err != nil {
					return nil
				}
				res.Flush()
				lastWrite = time.Now()
			}
		}
	}
}
