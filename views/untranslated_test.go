// Package views_test checks the templ sources of every view package.
package views_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/a-h/templ/parser/v2"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/i18n/i18ntest"
)

// TestNoLiteralEnglishInTemplates: no .templ file has a literal English
// text node, or a literal English title, placeholder, aria-label, alt or
// hx-confirm, outside an i18n call: every piece of UI text goes through
// the catalogue. (Rendered pages are checked too: handlers'
// TestNoEnglishInTranslatedPages.)
func TestNoLiteralEnglishInTemplates(t *testing.T) {
	files, err := filepath.Glob("*/*.templ")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templ files: %v", err)
	}
	check := i18ntest.New(i18n.Chinese)
	for _, f := range files {
		findings := literalEnglish(t, check, f)
		if owner := pendingTranslation[filepath.Dir(f)]; owner != "" && len(findings) > 0 {
			// Not a pass: said on every run until the owner translates
			// the package and removes it from the list.
			t.Logf("NOT CHECKED: %s has %d literal English texts, first %q; owner %s", f, len(findings), findings[0], owner)
			continue
		}
		for _, finding := range findings {
			t.Errorf("%s: %s", f, finding)
		}
	}
}

// pendingTranslation are view packages other helpers added while the
// console was being translated, with who translates them. The list is meant
// to be empty: an entry exempts a package only until its owner translates
// it and deletes the entry.
var pendingTranslation = map[string]string{}

// TestLiteralEnglishIsFound: the check above finds a planted sentence, a
// planted word that is a catalogue message, and a planted attribute.
func TestLiteralEnglishIsFound(t *testing.T) {
	src := "package x\n\ntempl T() {\n\t<div title=\"Delete this room\">\n\t\t<p>Sign in</p>\n\t\tif true {\n\t\t\tRooms\n\t\t}\n\t\t<span>{ x }</span>\n\t</div>\n}\n"
	path := filepath.Join(t.TempDir(), "x.templ")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got := literalEnglish(t, i18ntest.New(i18n.Chinese), path)
	if len(got) != 3 {
		t.Errorf("found %d, want 3: %v", len(got), got)
	}
}

func literalEnglish(t *testing.T, check *i18ntest.Checker, path string) []string {
	t.Helper()
	tf, err := parser.Parse(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	var walk func(nodes []parser.Node)
	walk = func(nodes []parser.Node) {
		for _, n := range nodes {
			switch n := n.(type) {
			case *parser.Text:
				if why, ok := check.Text(n.Value); !ok {
					out = append(out, "text "+strings.TrimSpace(n.Value)+": "+why)
				}
			case *parser.Element:
				if n.Name == "code" || n.Name == "pre" || hasAttr(n.Attributes, "translate", "no") {
					continue
				}
				for _, a := range n.Attributes {
					ca, ok := a.(*parser.ConstantAttribute)
					if !ok {
						continue
					}
					switch ca.Key.String() {
					case "title", "placeholder", "aria-label", "alt", "hx-confirm", "value":
						if ca.Key.String() == "value" && n.Name != "input" {
							continue
						}
						if why, ok := check.Text(ca.Value); !ok {
							out = append(out, ca.Key.String()+"="+ca.Value+": "+why)
						}
					}
				}
			}
			if c, ok := n.(parser.CompositeNode); ok {
				walk(c.ChildNodes())
			}
		}
	}
	for _, n := range tf.Nodes {
		if h, ok := n.(*parser.HTMLTemplate); ok {
			walk(h.Children)
		}
	}
	return out
}

func hasAttr(attrs []parser.Attribute, key, value string) bool {
	for _, a := range attrs {
		if ca, ok := a.(*parser.ConstantAttribute); ok && ca.Key.String() == key && ca.Value == value {
			return true
		}
	}
	return false
}
