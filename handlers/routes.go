package handlers

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/safetext"
	"github.com/roomdesk/roomdesk/static"
)

// Register installs the middleware stack and the one route table.
func (h *Handlers) Register(e *echo.Echo) {
	e.HTTPErrorHandler = h.ErrorHandler
	e.Use(
		middleware.Recover(),
		requestID(),
		h.requestLogger(),
		h.metricsMiddleware,
		securityHeaders,
		middleware.BodyLimit("2M"),
		retryOnLostDB,
	)

	// Unauthenticated machinery: probes, assets. /metrics is not here: it
	// has a listener of its own (ROOMDESK_METRICS_ADDR, see internal/app).
	e.GET("/healthz", h.Healthz)
	e.GET("/readyz", h.Readyz)
	e.StaticFS("/static", static.FS)
	e.GET("/favicon.ico", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/img/favicon.svg") })

	// Everything a person sees: sessions, CSRF, no caching.
	app := e.Group("", h.loadSession, h.localize, h.localZone, h.flushDenials, h.csrf(), noStore, h.ssoCSP)
	app.GET("/", h.Home, h.require(auth.RoleViewer)) // activity at a glance (issue 13)
	app.GET("/login", h.LoginForm)
	app.POST("/login", h.Login)
	app.POST("/logout", h.Logout)
	app.GET("/login/mfa", h.MFAForm)
	app.POST("/language", h.Language) // the header switch (internal/i18n)
	app.POST("/login/mfa", h.MFAVerify)
	// Sign-in with the OpenID Connect provider (404 when none is configured).
	app.POST("/login/sso", h.SSOStart)
	app.GET("/login/sso/callback", h.SSOCallback)
	account := app.Group("/account", h.requireAccount)
	account.GET("", h.AccountShow)
	account.POST("/mfa", h.AccountMFA, h.localAccount)
	account.POST("/password", h.AccountPassword, h.require(auth.RoleViewer), h.localAccount)
	account.POST("/timezone", h.AccountTimezone, h.require(auth.RoleViewer)) // internal/localtime
	// Notifications (issue 15): your own API tokens for /audit/stream.
	account.GET("/tokens", h.AccountTokens, h.require(auth.RoleViewer))
	account.POST("/tokens", h.AccountTokenCreate, h.require(auth.RoleViewer))
	account.POST("/tokens/:id/revoke", h.AccountTokenRevoke, h.require(auth.RoleViewer))

	// Rooms belong to a Tencent app, and the role is checked in that app
	// (inApp). /apps/{app}/rooms… name it; /rooms… are the default app's,
	// the single-app URLs every existing link and bookmark uses.
	for _, base := range []string{"", "/apps/:app"} {
		inView, inEdit := app.Group(base, h.inApp(auth.RoleViewer)), app.Group(base, h.inApp(auth.RoleOperator))
		inView.GET("/rooms", h.RoomsList)
		inView.GET("/rooms/:id", h.RoomsShow)
		inEdit.POST("/rooms/:id", h.RoomsUpdate)
		// Bulk jobs belong to an app: they edit its rooms with its client.
		inEdit.GET("/bulk", h.BulkNew)
		inEdit.POST("/bulk/preview", h.BulkPreview)
		inEdit.POST("/bulk", h.BulkStart)
		inEdit.GET("/bulk/:id", h.BulkShow, h.jobInApp)
		inEdit.GET("/bulk/:id/progress", h.BulkProgress, h.jobInApp)
		inEdit.POST("/bulk/:id/cancel", h.BulkCancel, h.jobInApp)
		inEdit.POST("/bulk/:id/retry", h.BulkRetry, h.jobInApp)
		inEdit.GET("/bulk/:id/results.csv", h.BulkResultsCSV, h.jobInApp)
		// Bulk templates (issue 13): saved change sets of the app.
		inEdit.POST("/bulk/templates", h.BulkTemplateSave, h.requireTemplates)
		inEdit.POST("/bulk/templates/apply", h.BulkTemplateApply, h.requireTemplates)
		inEdit.POST("/bulk/templates/:tid/delete", h.BulkTemplateDelete, h.requireTemplates)
		// Change requests (issue 15): viewers see them, operators decide.
		inView.GET("/requests", h.RequestsList)
		inView.GET("/requests/:rid", h.RequestsShow)
		inEdit.POST("/requests/:rid/approve", h.RequestsApprove)
		inEdit.POST("/requests/:rid/reject", h.RequestsReject)
		inEdit.POST("/requests/:rid/cancel", h.RequestsCancel)
		// A room's history and reverting a change (issue 14): a change is
		// reverted in its app, by that app's operators.
		inView.GET("/rooms/:id/history", h.RoomHistory)
		inEdit.GET("/audit/:id/revert", h.RevertForm)
		inEdit.POST("/audit/:id/revert", h.RevertSave)
		inEdit.POST("/bulk/:id/revert", h.BulkRevert, h.jobInApp)
		// Scheduled changes (issue 14): viewers see them, operators cancel.
		inView.GET("/schedule", h.ScheduleList)
		inEdit.POST("/schedule/:sid/cancel", h.ScheduleCancel)
	}

	// The audit log is one log across the apps (?app= filters it).
	viewer := app.Group("", h.require(auth.RoleViewer))
	viewer.GET("/apps.css", h.AppsCSS)
	viewer.GET("/audit", h.AuditList, h.names)
	viewer.GET("/audit/export.csv", h.AuditExportCSV)
	viewer.GET("/audit/export.jsonl", h.AuditExportJSONL)
	viewer.GET("/audit/:id", h.AuditShow, h.names)
	// Notifications (issue 15): the log as JSON Lines for log shippers,
	// signed in by an API token (bearer) or a session.
	app.GET("/audit/stream", h.AuditStream, h.bearer, h.require(auth.RoleViewer))

	admin := app.Group("/admin", h.require(auth.RoleAdmin))
	admin.GET("/users", h.UsersList)
	admin.POST("/users", h.UsersCreate)
	admin.POST("/users/:id/disable", h.UsersDisable)
	admin.POST("/users/:id/enable", h.UsersEnable)
	admin.POST("/users/:id/password", h.UsersPassword)
	admin.POST("/users/:id/sessions/end", h.UsersEndSessions)
	admin.POST("/users/:id/mfa/reset", h.UsersResetMFA)
	admin.POST("/users/:id/app-role", h.UsersAppRole)
	// Approval policy (issue 15): which changes need a second person.
	admin.GET("/policy", h.PolicyShow)
	admin.POST("/policy", h.PolicySave)
	// Notifications (issue 15): webhooks, their delivery log, API tokens.
	admin.GET("/webhooks", h.WebhooksList)
	admin.POST("/webhooks", h.WebhooksCreate)
	admin.GET("/webhooks/:id", h.WebhookShow)
	admin.POST("/webhooks/:id", h.WebhookUpdate)
	admin.POST("/webhooks/:id/delete", h.WebhookDelete)
	admin.POST("/webhooks/:id/test", h.WebhookTest)
	admin.GET("/tokens", h.AdminTokens)
	admin.POST("/tokens", h.AdminTokenCreate)
	admin.POST("/tokens/:id/revoke", h.AdminTokenRevoke)

	// Daily use (issue 13): names for codes.
	admin.GET("/labels", h.LabelsPage)
	admin.POST("/labels", h.LabelsSet)
	admin.POST("/users/:id/role", h.UsersRole)

	// Each group above registered a catch-all 404 route carrying its own
	// middleware, and the last one with prefix "" (operator) won: an
	// unknown URL answered a viewer 403 and audited a refusal. Unknown
	// URLs are plain 404s, still drawn with the signed-in layout.
	app.RouteNotFound("/*", func(echo.Context) error { return echo.ErrNotFound })
	app.RouteNotFound("/apps/:app/*", func(echo.Context) error { return echo.ErrNotFound })
}

// requestLogger logs one line per request with slog. Errors are logged by
// the error handler, which knows the final status.
func (h *Handlers) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true,
		LogRequestID: true, LogRemoteIP: true,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return p == "/healthz" || len(p) > 7 && p[:8] == "/static/"
		},
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("path", safetext.Clip(v.URIPath, safetext.DefaultMax)),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("request_id", v.RequestID), slog.String("ip", v.RemoteIP),
			}
			if u, ok := currentUser(c); ok {
				attrs = append(attrs, slog.String("user", u.Username))
			}
			h.Logger.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", attrs...)
			return nil
		},
	})
}
