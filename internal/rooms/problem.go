package rooms

import "fmt"

// Problem is what is wrong with a submitted value, for the person who
// typed it. ID names the message in the console's catalogue
// (internal/i18n, area "valid") and Data fills its placeholders, so the
// console shows it in the reader's language; a "Field" entry in Data is
// the field's name, which the console turns into its translated label.
// Text is the same message in English: the CLI, logs, bulk rows and
// FieldErrors carry it. The zero Problem means "nothing wrong".
type Problem struct {
	ID   string
	Data map[string]any
	Text string
}

// OK reports whether there is no problem.
func (p Problem) OK() bool { return p.Text == "" }

func problem(id, format string, data map[string]any, args ...any) Problem {
	return Problem{ID: "valid." + id, Data: data, Text: fmt.Sprintf(format, args...)}
}

// Problems maps a field name to its problem.
type Problems map[string]Problem

// english is the FieldErrors form of ps.
func (ps Problems) english() FieldErrors {
	out := make(FieldErrors, len(ps))
	for f, p := range ps {
		out[f] = p.Text
	}
	return out
}
