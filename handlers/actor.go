package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// actorFrom is who makes this request, as the audit log records them: the
// signed-in user's name and role (empty before sign-in) with the client's
// IP (see server.Options.TrustedProxies) and user agent. Every handler
// that acts or audits takes its actor from here.
func actorFrom(c echo.Context) audit.Actor {
	client := audit.Actor{IP: c.RealIP(), UserAgent: c.Request().UserAgent()}
	if u, ok := currentUser(c); ok {
		a := auth.ActorFor(u, client)
		if r, ok := c.Get(ctxAppRole).(auth.Role); ok {
			a.Role = string(r) // what they act as is their role in the app
		}
		return a
	}
	return client
}

// appendEvent audits an event by the request's actor. A failure to audit
// an event is logged, not shown: the action it records has already been
// refused or done.
func (h *Handlers) appendEvent(c echo.Context, e audit.Entry) {
	h.append(c, eventFor(c, e))
}

// eventFor completes an event entry from the request. Everything taken
// from the request is clipped: a 60,000-byte URL must not become a
// 60,000-byte row in a log nothing can ever delete.
func eventFor(c echo.Context, e audit.Entry) audit.Entry {
	e.Kind = audit.KindEvent
	a := actorFrom(c)
	a.IP = safetext.Clip(a.IP, 64)
	a.UserAgent = safetext.Clip(a.UserAgent, safetext.DefaultMax)
	e.SetActor(a)
	e.RoomID = safetext.Clip(e.RoomID, safetext.DefaultMax)
	e.Detail = safetext.Clip(e.Detail, 2*safetext.DefaultMax)
	return e
}

func (h *Handlers) append(c echo.Context, e audit.Entry) {
	if err := h.Audit.Append(c.Request().Context(), &e); err != nil {
		h.Logger.Error("audit append failed", "action", e.Action, "err", err)
	}
}
