package i18n

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

func TestTranslate(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/t.en.toml":    {Data: []byte("[t]\nHello = \"Hello, {{.Name}}\"\nOnly = \"English only\"\n[t.Rooms]\none = \"{{.Count}} room\"\nother = \"{{.Count}} rooms\"\n")},
		"locales/t.zh-CN.toml": {Data: []byte("[t]\nHello = \"你好，{{.Name}}\"\n[t.Rooms]\nother = \"{{.Count}} 个房间\"\n")},
		"locales/t.ja.toml":    {Data: []byte("[t]\nHello = \"こんにちは、{{.Name}}\"\n[t.Rooms]\nother = \"{{.Count}} 件のルーム\"\n")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	ctx := func(lang string) context.Context { return WithLocalizer(context.Background(), c.Localizer(lang)) }
	tests := []struct{ name, got, want string }{
		{"Tf en", Tf(ctx(English), "t.Hello", map[string]any{"Name": "Ada"}), "Hello, Ada"},
		{"Tf zh", Tf(ctx(Chinese), "t.Hello", map[string]any{"Name": "Ada"}), "你好，Ada"},
		{"Tn en one", Tn(ctx(English), "t.Rooms", 1, nil), "1 room"},
		{"Tn en other", Tn(ctx(English), "t.Rooms", 3, nil), "3 rooms"},
		{"Tn ja", Tn(ctx(Japanese), "t.Rooms", 1, nil), "1 件のルーム"},
		{"missing id is loud", T(ctx(Chinese), "t.Nope"), "⟦t.Nope⟧"},
		{"untranslated falls back to English", T(ctx(Japanese), "t.Only"), "English only"},
		{"unsupported language is English", Tf(WithLocalizer(context.Background(), c.Localizer("fr")), "t.Hello", map[string]any{"Name": "x"}), "Hello, x"},
		{"Lang", Lang(ctx(Japanese)), "ja"},
		{"no localizer: English", Lang(context.Background()), "en"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"unknown language": {"locales/t.fr.toml": {Data: []byte("[t]\nA = \"a\"\n")}},
		"no language":      {"locales/t.toml": {Data: []byte("[t]\nA = \"a\"\n")}},
		"wrong area":       {"locales/t.en.toml": {Data: []byte("[u]\nA = \"a\"\n")}},
		"bad toml":         {"locales/t.en.toml": {Data: []byte("[t\nA = ")}},
	}
	for name, fsys := range tests {
		if _, err := Load(fsys); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestEmbeddedCatalogueLoads(t *testing.T) {
	if _, err := Load(localeFS); err != nil {
		t.Fatal(err)
	}
	if got := Default().Localizer(Chinese).T("layout.NavRooms"); !strings.Contains(got, "房间") {
		t.Errorf("layout.NavRooms in zh-CN = %q", got)
	}
}
