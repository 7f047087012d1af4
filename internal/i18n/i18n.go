// Package i18n is how roomdesk speaks English, Simplified Chinese and
// Japanese: the message catalogue (locales/<area>.<lang>.toml, embedded),
// choosing a language for a request, and T/Tf/Tn, which look a message up
// in the language carried by a context.
//
// Message ids are <area>.<Name>. A message is plain text: templ escapes it
// where it is drawn. Placeholders are text/template fields ({{.Name}});
// plural messages (Tn) get the count as {{.Count}}. An id missing from the
// catalogue is never a silent blank: it renders as "⟦id⟧", which the
// catalogue and page tests catch.
package i18n

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// The languages the console speaks, as BCP 47 tags (what <html lang> says).
const (
	English  = "en"
	Chinese  = "zh-CN"
	Japanese = "ja"
)

// Languages are the supported languages, English (the fallback) first.
var languages = []string{English, Chinese, Japanese}

// Languages returns the supported language tags, English first.
func Languages() []string { return append([]string(nil), languages...) }

// Supported reports whether lang is one of Languages (exactly).
func Supported(lang string) bool {
	for _, l := range languages {
		if l == lang {
			return true
		}
	}
	return false
}

//go:embed locales/*.toml
var localeFS embed.FS

// Catalog is every message in every language.
type Catalog struct {
	bundle *goi18n.Bundle
	// ids[lang] is the set of message ids defined in that language.
	ids map[string]map[string]*goi18n.Message
	// names maps a message's name (the id without its area) to the ids
	// with that name, in English.
	names map[string][]string
	// A page asks for a hundred messages, and go-i18n works each one out
	// anew (plural rules, a template run even for plain text): the
	// localizers and the texts of T, which depend on nothing but the
	// language and the id, are worked out once.
	localizers sync.Map // lang → *Localizer
	texts      sync.Map // textKey → string
	// fills[lang][id] is the message split at its placeholders for Tf
	// (fill.go); absent when it needs text/template.
	fills map[string]map[string]*fill
}

type textKey struct{ lang, id string }

// Load parses every locales/*.toml file in fsys (each named
// <area>.<lang>.toml with lang one of Languages).
func Load(fsys fs.FS) (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, ids: map[string]map[string]*goi18n.Message{}, fills: map[string]map[string]*fill{}}
	for _, l := range languages {
		c.ids[l] = map[string]*goi18n.Message{}
		c.fills[l] = map[string]*fill{}
	}
	files, err := fs.Glob(fsys, "locales/*.toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: list locales: %w", err)
	}
	for _, f := range files {
		parts := strings.Split(path.Base(f), ".")
		if len(parts) != 3 || !Supported(parts[1]) {
			return nil, fmt.Errorf("i18n: %s: want <area>.<lang>.toml with lang one of %v", f, languages)
		}
		area, lang := parts[0], parts[1]
		buf, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", f, err)
		}
		mf, err := b.ParseMessageFileBytes(buf, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: parse %s: %w", f, err)
		}
		for _, m := range mf.Messages {
			if !strings.HasPrefix(m.ID, area+".") {
				return nil, fmt.Errorf("i18n: %s: message %q is not in area %q", f, m.ID, area)
			}
			c.ids[lang][m.ID] = m
			if f := compileFill(m); f != nil {
				c.fills[lang][m.ID] = f
			}
		}
	}
	c.names = map[string][]string{}
	for id := range c.ids[English] {
		_, name, _ := strings.Cut(id, ".")
		c.names[name] = append(c.names[name], id)
	}
	return c, nil
}

// Named is the id of the message called name in any area (the id without
// its "<area>." prefix), for labels several helpers' areas contribute to,
// such as the audit log's action names (Action_<code>). ok is false when
// no area, or more than one, has it.
func (c *Catalog) Named(name string) (id string, ok bool) {
	if ids := c.names[name]; len(ids) == 1 {
		return ids[0], true
	}
	return "", false
}

// defaultCatalog is the embedded catalogue, parsed once; it never changes
// after that.
var defaultCatalog = sync.OnceValues(func() (*Catalog, error) { return Load(localeFS) })

// Default is the embedded catalogue. It panics if the embedded files do not
// parse, which the package's tests rule out before anything ships.
func Default() *Catalog {
	c, err := defaultCatalog()
	if err != nil {
		panic(err)
	}
	return c
}

// Has reports whether id is defined in lang.
func (c *Catalog) Has(lang, id string) bool {
	_, ok := c.ids[lang][id]
	return ok
}

// IDs returns the ids defined in lang (unordered).
func (c *Catalog) IDs(lang string) []string {
	out := make([]string, 0, len(c.ids[lang]))
	for id := range c.ids[lang] {
		out = append(out, id)
	}
	return out
}

// Message returns the message id in lang, for the catalogue tests.
func (c *Catalog) Message(lang, id string) (*goi18n.Message, bool) {
	m, ok := c.ids[lang][id]
	return m, ok
}

// Localizer speaks one language.
type Localizer struct {
	lang string
	c    *Catalog
	l    *goi18n.Localizer
}

// Localizer returns the localizer for lang (English if lang is not
// supported).
func (c *Catalog) Localizer(lang string) *Localizer {
	if !Supported(lang) {
		lang = English
	}
	if l, ok := c.localizers.Load(lang); ok {
		return l.(*Localizer)
	}
	l, _ := c.localizers.LoadOrStore(lang, &Localizer{lang: lang, c: c, l: goi18n.NewLocalizer(c.bundle, lang)})
	return l.(*Localizer)
}

// Lang is the localizer's language tag.
func (l *Localizer) Lang() string { return l.lang }

func (l *Localizer) localize(id string, n any, data map[string]any) string {
	if !l.c.Has(l.lang, id) {
		if !l.c.Has(English, id) {
			return "⟦" + id + "⟧"
		}
		// Untranslated (the catalogue test fails on it): English beats
		// nothing, and go-i18n falls back to the bundle's English.
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if n != nil {
		cfg.PluralCount = n
		d := make(map[string]any, len(data)+1)
		for k, v := range data {
			d[k] = v
		}
		d["Count"] = n
		cfg.TemplateData = d
	}
	s, err := l.l.Localize(cfg)
	var notFound *goi18n.MessageNotFoundErr
	if err != nil && !(errors.As(err, &notFound) && s != "") {
		return "⟦" + id + ": " + err.Error() + "⟧"
	}
	return s
}

// T is the message id.
func (l *Localizer) T(id string) string {
	k := textKey{l.lang, id}
	if s, ok := l.c.texts.Load(k); ok {
		return s.(string)
	}
	s := l.localize(id, nil, nil)
	if l.c.Has(English, id) { // unknown ids are not kept: a caller could make up any number
		l.c.texts.Store(k, s)
	}
	return s
}

// Tf is the message id with its placeholders filled from data.
func (l *Localizer) Tf(id string, data map[string]any) string {
	if f := l.c.fills[l.lang][id]; f != nil {
		if s, ok := f.execute(data); ok {
			return s
		}
	}
	return l.localize(id, nil, data)
}

// Tn is the plural message id for the count n ({{.Count}}), with data.
func (l *Localizer) Tn(id string, n int, data map[string]any) string {
	return l.localize(id, n, data)
}

type ctxKey struct{}

// WithLocalizer returns ctx carrying l.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From is the localizer ctx carries, or English from the embedded
// catalogue when it carries none (the CLI, a test rendering a view alone).
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok && l != nil {
		return l
	}
	return Default().Localizer(English)
}

// Lang is the language of ctx's localizer ("en" when it carries none).
func Lang(ctx context.Context) string { return From(ctx).Lang() }

// T is the message id in ctx's language.
func T(ctx context.Context, id string) string { return From(ctx).T(id) }

// Tf is the message id in ctx's language, placeholders filled from data.
func Tf(ctx context.Context, id string, data map[string]any) string { return From(ctx).Tf(id, data) }

// Tn is the plural message id in ctx's language for the count n.
func Tn(ctx context.Context, id string, n int, data map[string]any) string {
	return From(ctx).Tn(id, n, data)
}
