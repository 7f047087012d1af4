package components

import (
	"fmt"
	"strings"
)

// FieldClass is a form field's wrapper class; invalid marks it for the
// stylesheet.
func FieldClass(invalid bool, extra ...string) string {
	c := strings.TrimSpace("field " + strings.Join(extra, " "))
	if invalid {
		c += " invalid"
	}
	return c
}

// DescribedBy joins the ids an input's aria-describedby names, skipping
// empty ones (an error id is "" while the field is valid).
func DescribedBy(ids ...string) string {
	var out []string
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	return strings.Join(out, " ")
}

// ErrorID is the id of a field's error message, "" when it has none, for
// DescribedBy.
func ErrorID(id, msg string) string {
	if msg == "" {
		return ""
	}
	return id
}

// ByteCount is the counter's text as the page first shows it; app.js keeps
// it current while the operator types.
func ByteCount(s string, limit int) string {
	return fmt.Sprintf("%d / %d bytes", len(s), limit)
}
