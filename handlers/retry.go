package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// retryOnLostDB runs a safe request (GET, HEAD) a second time when it
// failed because a pooled database connection had died (a PostgreSQL
// restart): the failed connection has been dropped, so the retry gets a
// live one. Nothing has been written to the client yet, since pages render
// into a buffer first. Unsafe requests are never retried (a room update
// could be sent twice); they get the "database unavailable" page.
func retryOnLostDB(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		m := c.Request().Method
		if err == nil || (m != http.MethodGet && m != http.MethodHead) || c.Response().Committed || !lostDB(err) {
			return err
		}
		c.Response().Header().Del("Set-Cookie")
		return next(c)
	}
}

// lostDB is db.IsUnavailable for errors that did not come from Tencent. A
// Tencent call that timed out or lost its connection wraps the same
// net.Error or EOF a dead database connection does, and it must read as
// "Tencent is not answering" and not be run again (another round of
// Tencent calls).
func lostDB(err error) bool {
	return !errors.Is(err, tencent.ErrUnreachable) && db.IsUnavailable(err)
}
