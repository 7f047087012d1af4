// Package layout is the frame every console page is drawn in: the top bar
// with navigation, the signed-in user and logout, and the DEMO banner.
package layout

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/roomdesk/roomdesk/internal/i18n"
)

// User is who is signed in, as the frame shows it.
type User struct {
	Name string
	Role string // viewer, operator or admin
}

// IsAdmin reports whether the Users page belongs in the navigation.
func (u *User) IsAdmin() bool { return u != nil && u.Role == "admin" }

// CanEdit reports whether the user may change rooms.
func (u *User) CanEdit() bool { return u != nil && (u.Role == "operator" || u.Role == "admin") }

// Props is what every full page passes to Page.
type Props struct {
	Title  string
	Active string // "rooms", "audit", "users", "bulk": the highlighted nav item
	User   *User
	CSRF   string
	Demo   bool
	// Apps are the configured Tencent apps the user may open, for the
	// header's switcher; AppCount is how many are configured.
	Apps     []AppLink
	AppCount int
	// App is the app this page is about (nil on pages about none, such as
	// the audit log, which spans every app).
	App *App
}

// AppLink is one app in the switcher.
type AppLink struct {
	ID, Name, URL       string
	Current, Production bool
}

// App is the page's app, drawn as a band in its colour.
type App struct {
	ID, Name   string
	SDKAppID   int
	Production bool
}

// ShowApps says whether the frame draws the apps: with several, or when
// the one app is production (no one should mistake it for a test app).
func (p Props) ShowApps() bool {
	return p.AppCount > 1 || (p.App != nil && p.App.Production)
}

// csrfHeaders is the hx-headers value that makes htmx send the CSRF token
// with every request it issues from this page.
func csrfHeaders(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

// htmxConfig turns off the htmx features that would need inline styles or
// eval (the CSP forbids both) and makes 4xx/5xx fragments swap like 2xx,
// so validation errors (422) and refusals render where the user looks.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true,"historyCacheSize":0,"attributesToSettle":["class","width","height"],"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"[45]..","swap":true,"error":true}]}`

// auditLink opens the audit log filtered to the page's app, when the page
// is about one and there are several.
func auditLink(p Props) string {
	if p.App != nil && len(p.Apps) > 1 {
		return "/audit?app=" + url.QueryEscape(p.App.ID)
	}
	return "/audit"
}

func ariaCurrent(current bool) string {
	if current {
		return "page"
	}
	return "false"
}

// LanguageName is a language's name in that language, so everyone finds
// their own in the switch whatever the page speaks.
func LanguageName(lang string) string {
	switch lang {
	case i18n.Chinese:
		return "简体中文"
	case i18n.Japanese:
		return "日本語"
	default:
		return "English"
	}
}

type hereKey struct{}

// WithHere records the page's own URL (path and query), where the language
// switch comes back to.
func WithHere(ctx context.Context, uri string) context.Context {
	return context.WithValue(ctx, hereKey{}, uri)
}

// Here is the URL WithHere recorded ("" when none).
func Here(ctx context.Context) string {
	s, _ := ctx.Value(hereKey{}).(string)
	return s
}
