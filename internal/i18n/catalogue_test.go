package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestCatalogueComplete: every message exists in every language, no
// language has a message English lacks, no message is blank, and each
// translation uses exactly the placeholders the English one does.
func TestCatalogueComplete(t *testing.T) {
	checkCatalogue(t, Default())
}

// TestCatalogueCheckFails shows the check above failing on a catalogue
// with each kind of fault.
func TestCatalogueCheckFails(t *testing.T) {
	en := "[t]\nA = \"Hello {{.Name}}\"\nB = \"b\"\n"
	good := map[string]string{"zh-CN": "[t]\nA = \"你好 {{.Name}}\"\nB = \"乙\"\n", "ja": "[t]\nA = \"こんにちは {{.Name}}\"\nB = \"乙\"\n"}
	faults := map[string]map[string]string{
		"missing in ja":      {"ja": "[t]\nA = \"こんにちは {{.Name}}\"\n"},
		"extra in zh":        {"zh-CN": good["zh-CN"] + "C = \"丙\"\n"},
		"wrong placeholder":  {"zh-CN": "[t]\nA = \"你好 {{.Nmae}}\"\nB = \"乙\"\n"},
		"lost placeholder":   {"ja": "[t]\nA = \"こんにちは\"\nB = \"乙\"\n"},
		"blank":              {"ja": "[t]\nA = \"こんにちは {{.Name}}\"\nB = \"\"\n"},
		"English left as is": {"ja": "[t]\nA = \"Hello {{.Name}}\"\nB = \"乙\"\n"},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			files := fsFor(en, good, fault)
			c, err := Load(files)
			if err != nil {
				t.Fatal(err)
			}
			var rec recorder
			checkCatalogueInto(&rec, c)
			if len(rec.errs) == 0 {
				t.Error("the catalogue check passed a faulty catalogue")
			}
		})
	}
	var rec recorder
	c, err := Load(fsFor(en, good, nil))
	if err != nil {
		t.Fatal(err)
	}
	checkCatalogueInto(&rec, c)
	if len(rec.errs) != 0 {
		t.Errorf("a good catalogue failed: %v", rec.errs)
	}
}

// TestIDsUsedInSourcesExist: every literal message id passed to T, Tf or Tn
// in the Go and templ sources is in the English catalogue (and so, by
// TestCatalogueComplete, in all three).
func TestIDsUsedInSourcesExist(t *testing.T) {
	root := moduleRoot(t)
	c := Default()
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// This package's own tests use made-up catalogues.
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata" ||
			path == filepath.Join(root, "internal", "i18n")) {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_templ.go") ||
			!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".templ")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range usedID.FindAllStringSubmatch(string(b), -1) {
			n++
			if !c.Has(English, m[1]) {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s: message id %q is not in the catalogue", rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("found no T/Tf/Tn call in the sources: the pattern is wrong")
	}
}

// usedID matches i18n.T(ctx, "area.Name"), Tf and Tn, and a Localizer's
// l.T("area.Name").
var usedID = regexp.MustCompile(`\.T[fn]?\((?:[A-Za-z_][A-Za-z0-9_.()]*,\s*)?"([a-z][A-Za-z0-9]*\.[A-Za-z0-9_.]+)"\s*[,)]`)

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

func fsFor(en string, langs, override map[string]string) fs.FS {
	m := map[string]string{"en": en}
	for k, v := range langs {
		m[k] = v
	}
	for k, v := range override {
		m[k] = v
	}
	out := mapFS{}
	for lang, data := range m {
		out["locales/t."+lang+".toml"] = data
	}
	return out.fs()
}

type reporter interface {
	Errorf(format string, args ...any)
}

type recorder struct{ errs []string }

func (r *recorder) Errorf(format string, args ...any) { r.errs = append(r.errs, format) }

func checkCatalogue(t *testing.T, c *Catalog) {
	t.Helper()
	if len(c.IDs(English)) == 0 {
		t.Fatal("the English catalogue is empty")
	}
	checkCatalogueInto(t, c)
}

// placeholder is a template field: {{.Name}}.
var placeholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}`)

func checkCatalogueInto(r reporter, c *Catalog) {
	enIDs := c.IDs(English)
	sort.Strings(enIDs)
	for _, lang := range languages[1:] {
		for _, id := range c.IDs(lang) {
			if !c.Has(English, id) {
				r.Errorf("%s has %q, which English lacks", lang, id)
			}
		}
	}
	for _, id := range enIDs {
		enMsg, _ := c.Message(English, id)
		// A count message (Tn) needs English's "one" form, or go-i18n
		// fails on a count of 1.
		if strings.Contains(enMsg.Other, "{{.Count}}") && enMsg.One == "" {
			r.Errorf("%q counts ({{.Count}}) but has no \"one\" form in English", id)
		}
		want := placeholders(enMsg)
		for _, lang := range languages {
			m, ok := c.Message(lang, id)
			if !ok {
				r.Errorf("%q has no %s translation", id, lang)
				continue
			}
			if m.Other == "" {
				r.Errorf("%q in %s is blank (every message needs its \"other\" form)", id, lang)
			}
			if got := placeholders(m); !slices.Equal(got, want) {
				r.Errorf("%q in %s uses placeholders %v, English uses %v", id, lang, got, want)
			}
			if lang != English && m.Other == enMsg.Other && hasLetters(m.Other) && !sameEverywhere[id] {
				r.Errorf("%q in %s is the English text %q, untranslated", id, lang, m.Other)
			}
		}
	}
}

// sameEverywhere are messages whose text is rightly the same in every
// language (names, codes); add to it only with a reason.
var sameEverywhere = map[string]bool{
	"rooms.LabelRoomId": true, // the API's own name for the id, as Tencent's console shows it
	"audit.JSONLines":   true, // the format's name
}

func hasLetters(s string) bool {
	return strings.ContainsFunc(placeholder.ReplaceAllString(s, ""), func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	})
}

// placeholders are the sorted, distinct fields every form of m uses.
func placeholders(m *goi18n.Message) []string {
	set := map[string]bool{}
	for _, s := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		for _, p := range placeholder.FindAllStringSubmatch(s, -1) {
			set[p[1]] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

type mapFS map[string]string

func (m mapFS) fs() fs.FS {
	out := fstest.MapFS{}
	for k, v := range m {
		out[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return out
}
