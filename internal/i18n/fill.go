package i18n

import (
	"fmt"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// go-i18n runs text/template for every Tf, and an edit's answer asks for a
// dozen: that was a quarter of its rendering time (docs/BENCHMARKS.md). A
// message whose placeholders are all plain fields ({{.Name}}) is split
// once into text and field names instead, and filled by concatenation.
// Anything else (a pipeline, an if, custom delimiters) and any value that
// is not a plain string or number still goes through go-i18n, so the
// output is byte for byte what text/template would write
// (TestFillMatchesTextTemplate checks every message of the catalogue).

// fill is a message split at its placeholders: text[0], field[0],
// text[1], …, field[n-1], text[n].
type fill struct {
	text  []string
	field []string
}

// compileFill splits m's "other" text (the form Tf uses: no plural count),
// or returns nil when the message needs text/template.
func compileFill(m *goi18n.Message) *fill {
	if m.LeftDelim != "" || m.RightDelim != "" {
		return nil
	}
	src := m.Other
	f := &fill{}
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			f.text = append(f.text, src)
			return f
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil
		}
		name, ok := plainField(src[i+2 : i+j])
		if !ok {
			return nil
		}
		f.text = append(f.text, src[:i])
		f.field = append(f.field, name)
		src = src[i+j+2:]
	}
}

// plainField reads an action's inside as ".Name" (spaces around it are
// allowed; anything else, trim markers "{{- " included, is not).
func plainField(action string) (string, bool) {
	a := strings.TrimSpace(action)
	if len(a) < 2 || a[0] != '.' {
		return "", false
	}
	for i, r := range a[1:] {
		letter := r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return "", false
		}
	}
	return a[1:], true
}

// execute fills f from data; ok is false when a value is of a type whose
// printing this does not mirror (text/template dereferences pointers, for
// one), and the caller falls back to go-i18n.
func (f *fill) execute(data map[string]any) (s string, ok bool) {
	var b strings.Builder
	for i, name := range f.field {
		b.WriteString(f.text[i])
		v, present := data[name]
		if !present {
			b.WriteString("<no value>") // text/template's missingkey=default
			continue
		}
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, bool:
			fmt.Fprint(&b, v)
		default:
			return "", false
		}
	}
	b.WriteString(f.text[len(f.field)])
	return b.String(), true
}
