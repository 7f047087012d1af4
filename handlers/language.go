package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/layout"
)

// langCookie remembers the language chosen in the header switch, for a
// visitor not signed in (and after signing out). A signed-in user's choice
// is saved with the user and follows them to other browsers.
const (
	langCookie   = "roomdesk_lang"
	langCookieMA = 365 * 24 * time.Hour
)

// localize chooses the request's language (the user's saved preference,
// else the cookie, else Accept-Language, else English) and puts its
// localizer in the request context, where every view and T call reads it.
// It runs after loadSession, so it knows the user.
func (h *Handlers) localize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		pref := ""
		if u, ok := sessionUser(c); ok {
			pref = u.Language
		}
		cookie := ""
		if ck, err := r.Cookie(langCookie); err == nil {
			cookie = ck.Value
		}
		lang := i18n.Negotiate(pref, cookie, r.Header.Get("Accept-Language"))
		ctx := i18n.WithLocalizer(r.Context(), i18n.Default().Localizer(lang))
		ctx = layout.WithHere(ctx, r.URL.RequestURI())
		c.SetRequest(r.WithContext(ctx))
		c.Response().Header().Set("Content-Language", lang)
		c.Response().Header().Add("Vary", "Accept-Language, Cookie")
		return next(c)
	}
}

// sessionUser is the user behind the session, signed in or still at the
// second step of signing in.
func sessionUser(c echo.Context) (auth.User, bool) {
	if u, ok := currentUser(c); ok {
		return u, true
	}
	u, ok := c.Get(ctxPending).(auth.User)
	return u, ok
}

// Language is the header switch: it remembers the choice in a cookie and,
// for a user with a session, saves it as their preference, then goes back
// to the page it came from.
func (h *Handlers) Language(c echo.Context) error {
	lang := c.FormValue("lang")
	if !i18n.Supported(lang) {
		return echo.NewHTTPError(http.StatusBadRequest, "unsupported language")
	}
	if u, ok := sessionUser(c); ok {
		if err := h.Auth.SetLanguage(c.Request().Context(), u.ID, lang); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{
		Name: langCookie, Value: lang, Path: "/", MaxAge: int(langCookieMA.Seconds()),
		HttpOnly: true, Secure: h.secureCookie(c), SameSite: http.SameSiteLaxMode,
	})
	next := c.FormValue("next")
	if !localPath(next) {
		next = "/rooms"
	}
	return redirect(c, next)
}

// tr is the message id in the request's language.
func tr(c echo.Context, id string) string { return i18n.T(c.Request().Context(), id) }

// trf is the message id in the request's language, with data.
func trf(c echo.Context, id string, data map[string]any) string {
	return i18n.Tf(c.Request().Context(), id, data)
}
