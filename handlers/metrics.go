package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// metricsMiddleware counts requests by route pattern (never the raw path,
// which would make a series per RoomId).
func (h *Handlers) metricsMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if h.Metrics == nil {
			return err
		}
		status := c.Response().Status
		var he *echo.HTTPError
		if err != nil && errors.As(err, &he) {
			status = he.Code
		} else if err != nil {
			status = http.StatusInternalServerError
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m := c.Request().Method
		h.Metrics.Requests.WithLabelValues(route, m, strconv.Itoa(status)).Inc()
		h.Metrics.Latency.WithLabelValues(route, m).Observe(time.Since(start).Seconds())
		return err
	}
}
