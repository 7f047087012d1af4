package catalogue

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/safetext"
)

// Sort orders.
const (
	SortViews   = "views"   // most viewed first (Tencent's own order)
	SortName    = "name"    // by name, A to Z
	SortCreated = "created" // newest first
)

// Sorts are the orders a search can take, the default first.
var Sorts = []string{SortViews, SortName, SortCreated}

// Query is one search of an app's catalogue. The zero value (with App set)
// is every room, most viewed first.
type Query struct {
	App      string
	Text     string // a name fragment, a RoomId prefix or an owner prefix
	Category *int
	Status   *int // ActivityStatus
	Muted    *bool
	Listed   *bool // IsPublicVisible
	SeatMode string
	Presence Presence
	Sort     string
	After    string // the keyset cursor of the previous page's last room ("" = first page)
	Limit    int    // default 20
}

// MaxText bounds the search text, in characters.
const MaxText = 64

// Filtered says whether the query narrows the catalogue (text or any
// filter); sort and cursor alone do not.
func (q Query) Filtered() bool {
	return q.Text != "" || q.Category != nil || q.Status != nil || q.Muted != nil || q.Listed != nil ||
		q.SeatMode != "" || q.Presence != ""
}

// Values is the query as URL parameters (without the cursor), in the form
// ParseQuery reads: links keep the search, and the cursor is bound to it.
func (q Query) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", q.Text)
	if q.Category != nil {
		v.Set("category", strconv.Itoa(*q.Category))
	}
	if q.Status != nil {
		v.Set("status", strconv.Itoa(*q.Status))
	}
	set("muted", yesNo(q.Muted))
	set("listed", yesNo(q.Listed))
	set("seat", q.SeatMode)
	set("presence", string(q.Presence))
	if q.Sort != SortViews {
		set("sort", q.Sort)
	}
	return v
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

// QueryKeys are the URL parameters ParseQuery reads (besides the cursor).
var QueryKeys = []string{"q", "category", "status", "muted", "listed", "seat", "presence", "sort"}

// ParseQuery reads a search from URL parameters (a GET form). Each bad
// value gets a message by parameter and is left out of the query, so the
// page can say what was wrong and still show the rest.
func ParseQuery(app string, v url.Values) (Query, map[string]string) {
	q := Query{App: app, Sort: SortViews, After: v.Get("cursor")}
	bad := map[string]string{}
	text := strings.TrimSpace(v.Get("q"))
	switch {
	case utf8.RuneCountInString(text) > MaxText:
		bad["q"] = "Search for at most " + strconv.Itoa(MaxText) + " characters."
	case safetext.Check(text, "", false) != "":
		bad["q"] = "The search text has characters that cannot be searched for (control or direction characters)."
	default:
		q.Text = text
	}
	intParam := func(key, what string) *int {
		s := strings.TrimSpace(v.Get(key))
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 1<<31-1 {
			bad[key] = what + " is a whole number, 0 or more."
			return nil
		}
		return &n
	}
	q.Category = intParam("category", "A category")
	q.Status = intParam("status", "An activity status")
	boolParam := func(key string) *bool {
		switch v.Get(key) {
		case "":
			return nil
		case "yes":
			t := true
			return &t
		case "no":
			f := false
			return &f
		}
		bad[key] = "Choose yes, no or any."
		return nil
	}
	q.Muted, q.Listed = boolParam("muted"), boolParam("listed")
	switch s := v.Get("seat"); s {
	case "", "FreeToTake", "ApplyToTake":
		q.SeatMode = s
	default:
		bad["seat"] = "Choose FreeToTake, ApplyToTake or any."
	}
	switch p := Presence(v.Get("presence")); p {
	case "", Listed, Private, Missing:
		q.Presence = p
	default:
		bad["presence"] = "Choose listed, private, missing or any."
	}
	switch s := v.Get("sort"); s {
	case "", SortViews:
	case SortName, SortCreated:
		q.Sort = s
	default:
		bad["sort"] = "Sort by views, name or created."
	}
	return q, bad
}
