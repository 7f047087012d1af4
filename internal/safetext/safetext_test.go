package safetext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	long := strings.Repeat("a", 60000)
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short kept", "hello", 8, "hello"},
		{"exact kept", "12345678", 8, "12345678"},
		{"long marked", long, 256, strings.Repeat("a", 256) + "…[truncated, 60000 bytes]"},
		{"rune not cut", "ab€cd", 3, "ab…[truncated, 7 bytes]"},
		{"zero", "abc", 0, "…[truncated, 3 bytes]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Clip(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("Clip = %q, want %q", got, tc.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8: %q", got)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name, in  string
		multiline bool
		bad       string // substring of the message; "" = clean
	}{
		{"plain", "Friday night 🎤 直播", false, ""},
		{"ESC", "a\x1b[2Jb", false, "U+001B at character 2"},
		{"BEL", "\a", false, "U+0007"},
		{"NUL", "a\x00", false, "U+0000"},
		{"DEL", "a\x7f", false, "U+007F"},
		{"C1", "a\u0085", false, "U+0085"},
		{"RLO", "abc\u202efdp.exe", false, "U+202E at character 4"},
		{"LRI", "\u2066x", false, "U+2066"},
		{"PDI", "x\u2069", false, "U+2069"},
		{"newline single-line", "a\nb", false, "U+000A"},
		{"newline multiline", "a\nb\tc", true, ""},
		{"CR multiline", "a\rb", true, "U+000D"},
		{"invalid utf8", "a\xffb", false, "U+FFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := Check(tc.in, "Room name", tc.multiline)
			if tc.bad == "" && msg != "" || tc.bad != "" && !strings.Contains(msg, tc.bad) {
				t.Errorf("Check(%q) = %q, want containing %q", tc.in, msg, tc.bad)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	in := "ok\x1b[31mred\a\x00\u202etxt\u0085\n\t\\x"
	want := `ok\x1b[31mred\x07\x00\u202etxt\x85\n\t\x`
	if got := Escape(in); got != want {
		t.Errorf("Escape = %q, want %q", got, want)
	}
	if got := Escape("plain 直播"); got != "plain 直播" {
		t.Errorf("plain changed: %q", got)
	}
}

func TestTerminalWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewTerminalWriter(&buf)
	in := []byte("actor,\x1b]0;pwned\a\n直\u202e播\n")
	// Byte by byte, so runes are split across writes.
	for i := range in {
		if _, err := w.Write(in[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "actor,\\x1b]0;pwned\\x07\n直\\u202e播\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	if bytes.ContainsAny(buf.Bytes(), "\x1b\a") {
		t.Error("raw control reached the terminal")
	}
}

func TestEscapeJSON(t *testing.T) {
	in := []byte(`{"actor":"x` + "\u202e\u0085\x7f\u2066" + `y","n":1}` + "\n")
	out := EscapeJSON(in)
	if string(out) != `{"actor":"x\u202e\u0085\u007f\u2066y","n":1}`+"\n" {
		t.Fatalf("got %q", out)
	}
	var a, b map[string]any
	if err := json.Unmarshal(in, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if a["actor"] != b["actor"] {
		t.Errorf("value changed: %q vs %q", a["actor"], b["actor"])
	}
	if plain := []byte(`{"a":"直播 ok"}`); &EscapeJSON(plain)[0] != &plain[0] {
		t.Error("clean input was copied")
	}
}
