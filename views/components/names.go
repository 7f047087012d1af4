package components

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/roomdesk/roomdesk/internal/i18n"
)

// CodeNames are one app's names for its category numbers and ActivityStatus
// codes, as the admins set them on /admin/labels.
type CodeNames struct {
	Category map[int]string
	Activity map[int]string
}

// Names is what the pages need to show words instead of codes: the field
// labels (from the one field table) and each app's code names. The
// handlers put it in the request's context (WithNames), so every view that
// shows a code can name it without each view model carrying it.
type Names struct {
	Fields  map[string]string    // field name → label ("IsMessageDisabled" → "Mute chat")
	Apps    map[string]CodeNames // app id → its names
	Current string               // the page's app; also the app of rows that name none
}

type namesKey struct{}

// WithNames records n for the views rendered with ctx.
func WithNames(ctx context.Context, n Names) context.Context {
	return context.WithValue(ctx, namesKey{}, n)
}

// NamesOf is what WithNames recorded (the zero Names when nothing was).
func NamesOf(ctx context.Context) Names {
	n, _ := ctx.Value(namesKey{}).(Names)
	return n
}

// codes are app's names ("" is the page's app).
func (n Names) codes(app string) CodeNames {
	if app == "" {
		app = n.Current
	}
	return n.Apps[app]
}

// FieldLabel is a field's label in the page's language, or its name when
// it has none (a field this build does not know).
func FieldLabel(ctx context.Context, field string) string {
	l := NamesOf(ctx).Fields[field]
	if l == "" {
		return field
	}
	if id := "daily.Field" + field; i18n.Default().Has(i18n.English, id) {
		return i18n.T(ctx, id)
	}
	return l
}

// named is "Music (7)", or "7" when the code has no name.
func named(names map[int]string, code int) string {
	if s := names[code]; s != "" {
		return s + " (" + strconv.Itoa(code) + ")"
	}
	return strconv.Itoa(code)
}

// CategoryText is a category of the page's app as people read it: "Music (7)".
func CategoryText(ctx context.Context, code int) string {
	return named(NamesOf(ctx).codes("").Category, code)
}

// CategoriesText is a list of categories, "—" when there are none.
func CategoriesText(ctx context.Context, codes []int) string {
	if len(codes) == 0 {
		return "—"
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = CategoryText(ctx, c)
	}
	return strings.Join(out, ", ")
}

// ActivityText is an ActivityStatus of the page's app: "Live now (2)".
func ActivityText(ctx context.Context, code int) string {
	return named(NamesOf(ctx).codes("").Activity, code)
}

// CodeChoice is one named code, for a datalist or select.
type CodeChoice struct {
	Code int
	Name string
}

// Value is the code as an input holds it.
func (c CodeChoice) Value() string { return strconv.Itoa(c.Code) }

// Choices are the named codes of the page's app of one kind ("category" or
// "activity"), in ascending order.
func Choices(ctx context.Context, kind string) []CodeChoice {
	cn := NamesOf(ctx).codes("")
	m := cn.Category
	if kind == "activity" {
		m = cn.Activity
	}
	out := make([]CodeChoice, 0, len(m))
	for c, name := range m {
		out = append(out, CodeChoice{Code: c, Name: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// ChangeText is one side of a recorded change (the JSON text of the value)
// as people read it: booleans as words, categories and activity statuses
// with their names, text in quotes so "" stays visible. Empty means the
// side had no value. Values that are not what the field holds are shown
// as recorded.
func ChangeText(ctx context.Context, app, field, value string) string {
	if value == "" {
		return i18n.T(ctx, "daily.NotSet")
	}
	switch value {
	case "true":
		return i18n.T(ctx, "daily.Yes")
	case "false":
		return i18n.T(ctx, "daily.No")
	}
	cn := NamesOf(ctx).codes(app)
	switch field {
	case "Category":
		var codes []int
		if json.Unmarshal([]byte(value), &codes) != nil {
			return value
		}
		if len(codes) == 0 {
			return i18n.T(ctx, "daily.NoCategories")
		}
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = named(cn.Category, c)
		}
		return strings.Join(out, ", ")
	case "ActivityStatus":
		n, err := strconv.Atoi(value)
		if err != nil {
			return value
		}
		return named(cn.Activity, n)
	}
	return value
}

// ValueText is a field's value as a form or the edit result holds it
// (categories as "4, 7", booleans as "true") in words: "Talk (4), Music (7)",
// "Yes". Anything else is shown as it is.
func ValueText(ctx context.Context, field, value string) string {
	switch strings.TrimSpace(value) {
	case "true":
		return i18n.T(ctx, "daily.Yes")
	case "false":
		return i18n.T(ctx, "daily.No")
	}
	switch field {
	case "Category":
		parts := strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ';' })
		out := make([]string, 0, len(parts))
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if n, err := strconv.Atoi(p); err == nil {
				p = CategoryText(ctx, n)
			}
			if p != "" {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return value
		}
		return strings.Join(out, ", ")
	case "ActivityStatus":
		if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil {
			return ActivityText(ctx, n)
		}
	}
	return value
}
