// Package labelsview draws /admin/labels, where admins name each app's
// category numbers and ActivityStatus codes.
package labelsview

import (
	"context"
	"strconv"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/views/layout"
)

// Props fills the page.
type Props struct {
	Layout layout.Props
	Apps   []App // every configured app, in the apps file's order
	Flash  Flash
	Form   Form // the "name a code" form as submitted
}

// App is one app's named codes.
type App struct {
	ID, Name string
	Rows     []Row
}

// Row is one named code.
type Row struct {
	Kind string // "category" or "activity"
	Code int
	Name string
}

// Flash is the outcome of the last change; OK false is an error.
type Flash struct {
	OK   bool
	Text string
}

// Form is the add form's values.
type Form struct{ App, Kind, Code, Name string }

// Saved says what a change did, in the page's language.
func Saved(ctx context.Context, kind string, code int, name string, changed bool) string {
	data := map[string]any{"What": kindLabel(ctx, kind) + " " + strconv.Itoa(code), "Name": name}
	switch {
	case !changed:
		return i18n.Tf(ctx, "daily.LabelsUnchanged", data)
	case name == "":
		return i18n.Tf(ctx, "daily.LabelsRemoved", data)
	}
	return i18n.Tf(ctx, "daily.LabelsSaved", data)
}

func kindLabel(ctx context.Context, k string) string {
	if k == "activity" {
		return i18n.T(ctx, "daily.KindActivity")
	}
	return i18n.T(ctx, "daily.KindCategory")
}

func itoa(n int) string { return strconv.Itoa(n) }

func rowID(app string, r Row) string { return "label-" + app + "-" + r.Kind + "-" + itoa(r.Code) }
