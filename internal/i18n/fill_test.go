package i18n

import (
	"testing"
	"testing/fstest"
)

// TestFillMatchesTextTemplate fills every message of the embedded
// catalogue both ways, the split fill and go-i18n's text/template, with
// values of every kind fill prints itself, a missing field and a pointer
// (which falls back), and wants the same text.
func TestFillMatchesTextTemplate(t *testing.T) {
	c := Default()
	n := 7
	values := []any{`<b>&"'{{.X}}`, 42, int64(-3), 2.5, true, uint8(7), "", &n}
	filled := 0
	for _, lang := range Languages() {
		l := c.Localizer(lang)
		for id, f := range c.fills[lang] {
			if len(f.field) == 0 {
				continue
			}
			filled++
			for shift := range values {
				data := map[string]any{}
				for i, name := range f.field {
					data[name] = values[(i+shift)%len(values)]
				}
				if got, want := l.Tf(id, data), l.localize(id, nil, data); got != want {
					t.Errorf("%s %s with %v: fill gives %q, text/template %q", lang, id, data, got, want)
				}
			}
			missing := map[string]any{}
			if got, want := l.Tf(id, missing), l.localize(id, nil, missing); got != want {
				t.Errorf("%s %s with no data: fill gives %q, text/template %q", lang, id, got, want)
			}
		}
	}
	if filled < 100 {
		t.Fatalf("only %d messages with placeholders were split: the fill is not being used", filled)
	}
}

func TestCompileFill(t *testing.T) {
	fsys := fstest.MapFS{"locales/t.en.toml": {Data: []byte(`[t]
Plain = "no placeholders"
Both = "{{.A}} and {{ .B }}!"
Pipe = "{{.A | printf \"%q\"}}"
Trim = "x {{- .A}}"
Nested = "{{.A.B}}"
If = "{{if .A}}yes{{end}}"
Unclosed = "{{.A"
Edges = "{{.a}}{{.z}}{{.A}}{{.Z}}{{._}}{{.a0}}{{.z9}}"
Digit = "{{.9a}}"
Empty = "{{.}}"
`)}}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"t.Plain": true, "t.Both": true, "t.Pipe": false, "t.Trim": false,
		"t.Nested": false, "t.If": false, "t.Edges": true, "t.Digit": false, "t.Empty": false} {
		if _, split := c.fills[English][id]; split != want {
			t.Errorf("%s: split = %v, want %v", id, split, want)
		}
	}
	l := c.Localizer(English)
	if got := l.Tf("t.Both", map[string]any{"A": "x", "B": 3}); got != "x and 3!" {
		t.Errorf("t.Both = %q", got)
	}
	edges := map[string]any{"a": 1, "z": 2, "A": 3, "Z": 4, "_": 5, "a0": 6, "z9": 7}
	if got := l.Tf("t.Edges", edges); got != "1234567" {
		t.Errorf("t.Edges = %q", got)
	}
	// The ones left to text/template still work through it.
	if got := l.Tf("t.Pipe", map[string]any{"A": "x"}); got != `"x"` {
		t.Errorf("t.Pipe = %q", got)
	}
	if got := l.Tf("t.If", map[string]any{"A": true}); got != "yes" {
		t.Errorf("t.If = %q", got)
	}
}
