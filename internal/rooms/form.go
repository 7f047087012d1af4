package rooms

import (
	"net/url"
	"strings"

	"github.com/roomdesk/roomdesk/internal/tencent"
)

// OriginalPrefix names the hidden inputs that carry the value each field was
// rendered with ("orig_RoomName"), so the server can tell what the operator
// changed without trusting the browser to say so.
const OriginalPrefix = "orig_"

// MaxCategories is how many Category values a room takes (and inputs the form has).
const MaxCategories = 3

// Form holds form values keyed by API field name, as the browser sends them.
// Category holds up to three values; booleans may hold a hidden "false"
// followed by a checkbox "true", and the last value wins.
type Form map[string][]string

// Get returns the last value of a field, "" when absent. Last, because a
// checkbox's "true" follows its hidden "false".
func (f Form) Get(field string) string {
	v := f[field]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// Has reports whether the field was submitted at all.
func (f Form) Has(field string) bool {
	_, ok := f[field]
	return ok
}

// Bool reads a boolean field the way Validate does; false when unreadable.
func (f Form) Bool(field string) bool {
	b, _ := parseBool(f.Get(field))
	return b
}

// Category returns exactly MaxCategories slots for the three inputs.
func (f Form) Category() [MaxCategories]string {
	var out [MaxCategories]string
	i := 0
	for _, v := range f[FieldCategory] {
		if v = strings.TrimSpace(v); v != "" && i < MaxCategories {
			out[i] = v
			i++
		}
	}
	return out
}

// SplitForm separates a posted form into the submitted values and the
// orig_* values the form was rendered from. Other keys (_csrf) are ignored.
func SplitForm(v url.Values) (submitted, original Form) {
	submitted, original = Form{}, Form{}
	for _, name := range Fields {
		if vals, ok := v[name]; ok {
			submitted[name] = vals
		}
		if vals, ok := v[OriginalPrefix+name]; ok {
			original[name] = vals
		}
	}
	return submitted, original
}

// FormFromRoom renders a room's editable fields as form values: what the
// edit form is pre-filled with and what its orig_* inputs carry.
func FormFromRoom(r tencent.RoomInfo) Form {
	out := make(Form, len(table))
	for _, f := range table {
		out[f.name] = formValues(f.read(r))
	}
	return out
}

// merge is what the form shows after a conflict or a refused update: the
// operator's value for every field they changed, the room's current value
// for the rest, so re-submitting never reverts someone else's edit.
func merge(current, submitted Form, changed []string) Form {
	out := Form{}
	for k, v := range current {
		out[k] = v
	}
	for _, f := range changed {
		out[f] = submitted[f]
	}
	return out
}

// Read is the values of a field that its rule reads, all a form keeps of
// it: the last one of a single-valued field (Validate reads no other), a
// category's non-blank ones. A form that repeats a field ("Notice=<200 kB
// of anything>&Notice=ok") passes Validate on the last value; keeping only
// what was validated stops the rest from being stored with it.
func Read(field string, vals []string) []string {
	if field != FieldCategory {
		if len(vals) == 0 {
			return nil
		}
		return []string{vals[len(vals)-1]}
	}
	out := []string{}
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}
