package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// requestID is Echo's RequestID, except that an id the client sent is
// kept only when it is short and plain (a proxy's id, for correlating
// logs); anything else is replaced by a fresh one. Echo took it verbatim,
// so a 20 KB header was echoed back and written into two log lines
// unclipped.
func requestID() echo.MiddlewareFunc {
	rid := middleware.RequestID()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := rid(next)
		return func(c echo.Context) error {
			hdr := c.Request().Header
			if v := hdr.Get(echo.HeaderXRequestID); v != "" && !plainID(v) {
				hdr.Del(echo.HeaderXRequestID)
			}
			return h(c)
		}
	}
}

func plainID(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
