package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/apitoken"
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

// bearer signs a request in with an API token (Authorization: Bearer …)
// for the routes that accept one. A request without the header goes on
// as it is (a session may sign it in); a bad token is a 401, audited as
// nothing (a 256-bit token cannot be guessed; the attempt is logged).
func (h *Handlers) bearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		authz := c.Request().Header.Get(echo.HeaderAuthorization)
		if authz == "" {
			return next(c)
		}
		token, ok := strings.CutPrefix(authz, "Bearer ")
		if ok {
			u, err := h.Tokens.Authenticate(c.Request().Context(), strings.TrimSpace(token))
			if err == nil {
				c.Set(ctxUser, u)
				return next(c)
			}
			if !errors.Is(err, apitoken.ErrInvalid) {
				return err
			}
		}
		h.Logger.Info("API token refused", "ip", c.RealIP(), "path", c.Request().URL.Path)
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="roomdesk", error="invalid_token"`)
		// Answered here: the error pages would offer a sign-in form to a log shipper.
		return c.String(http.StatusUnauthorized, "invalid or revoked API token\n")
	}
}
