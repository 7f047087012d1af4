package components

import (
	"context"
	"net/url"
)

type appBaseKey struct{}

// WithAppBase records, for the views rendered with ctx, the path prefix of
// the app a page is about: "/apps/prod-cn", or "" on the single-app URLs
// that serve the default app. Room links then stay in the app.
func WithAppBase(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, appBaseKey{}, base)
}

// AppBase is the prefix WithAppBase recorded ("" when none).
func AppBase(ctx context.Context) string {
	s, _ := ctx.Value(appBaseKey{}).(string)
	return s
}

// RoomsURL is the room list of the page's app.
func RoomsURL(ctx context.Context) string { return AppBase(ctx) + "/rooms" }

// RoomURLIn is a room's page in the page's app.
func RoomURLIn(ctx context.Context, id string) string { return AppBase(ctx) + RoomURL(id) }

// AppRoomURL is a room's page in the app with that id ("": the default
// app's single-app URL, for rows from before apps).
func AppRoomURL(app, id string) string {
	if app == "" {
		return RoomURL(id)
	}
	return AppPath(app) + RoomURL(id)
}

// AppPath is the URL prefix of an app.
func AppPath(app string) string { return "/apps/" + url.PathEscape(app) }
