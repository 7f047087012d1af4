package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Healthz says the process is up; it checks nothing else, so an orchestrator
// never restarts roomdesk because Tencent is slow.
func (h *Handlers) Healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// Readyz checks the database and Tencent reachability. Failures are named,
// but their details stay in the log.
func (h *Handlers) Readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{}
	status := http.StatusOK
	if h.Ready != nil {
		for name, err := range h.Ready(ctx) {
			if err != nil {
				h.Logger.Warn("readiness check failed", "check", name, "err", err)
				checks[name] = "failing"
				status = http.StatusServiceUnavailable
			} else {
				checks[name] = "ok"
			}
		}
	}
	return c.JSON(status, map[string]any{"ready": status == http.StatusOK, "checks": checks})
}
