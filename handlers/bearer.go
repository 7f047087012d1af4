package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/apitoken"
)

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
