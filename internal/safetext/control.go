package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// IsControl reports whether r is a character that must not travel in a
// text field: C0 controls (U+0000–U+001F), DEL, C1 controls
// (U+0080–U+009F), and the bidi embedding, override and isolate characters
// (U+202A–U+202E, U+2066–U+2069) that make text display in another order
// than it is stored ("Trojan Source").
func IsControl(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// allowedIn lists the controls a multi-line field may hold.
func allowedIn(r rune, multiline bool) bool { return multiline && (r == '\n' || r == '\t') }

// Check returns a message for the person who typed s naming the first
// forbidden character and where it is, or "" when s is clean. A multiline
// field may hold newlines and tabs.
func Check(s, label string, multiline bool) string {
	if r, pos := FirstControl(s, multiline); pos > 0 {
		return fmt.Sprintf("%s contains an invisible control character (%s at character %d); remove it. "+
			"Control characters and text-direction overrides are refused because they hide or reorder text.",
			label, Name(r), pos)
	}
	return ""
}

// FirstControl is the first character Check refuses and its position
// (counted in characters from 1); pos is 0 when s is clean.
func FirstControl(s string, multiline bool) (r rune, pos int) {
	for _, r := range s {
		pos++
		if r == utf8.RuneError || IsControl(r) && !allowedIn(r, multiline) {
			return r, pos
		}
	}
	return 0, 0
}

// Name is how a message names a character: U+001B, U+202E…
func Name(r rune) string { return fmt.Sprintf("U+%04X", r) }

// Escape replaces every control character of s (newline and tab too) by a
// visible escape: \n, \t, \r, \xNN for other C0/C1 and DEL, \u202e for
// bidi controls, \xNN for each invalid UTF-8 byte. Backslashes are left
// alone: the output is for reading, and ordinary text stays as it was.
func Escape(s string) string {
	if !needsEscape(s, false) {
		return s
	}
	var b strings.Builder
	writeEscaped(&b, s, false)
	return b.String()
}

func needsEscape(s string, keepNewline bool) bool {
	for _, r := range s {
		if r == utf8.RuneError || IsControl(r) && !(keepNewline && r == '\n') {
			return true
		}
	}
	return false
}

func writeEscaped(b *strings.Builder, s string, keepNewline bool) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(b, `\x%02x`, s[i])
				continue
			}
			b.WriteRune(r)
		case r == '\n' && keepNewline:
			b.WriteByte('\n')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r <= 0xff && IsControl(r):
			fmt.Fprintf(b, `\x%02x`, r)
		case IsControl(r):
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
}

// NewTerminalWriter wraps w (a terminal) so that control characters in what
// is written reach it as visible escapes instead of being obeyed: an audit
// row holding ESC [ 2 J cannot clear the screen or recolour what follows,
// and U+202E cannot reorder a line. Newlines pass through, so line-based
// output keeps its shape. Call Flush at the end for a rune cut by the last
// Write.
func NewTerminalWriter(w io.Writer) *TerminalWriter { return &TerminalWriter{w: w} }

// TerminalWriter is NewTerminalWriter's writer.
type TerminalWriter struct {
	w       io.Writer
	pending []byte // the start of a rune split across writes
}

func (t *TerminalWriter) Write(p []byte) (int, error) {
	buf := append(t.pending, p...)
	// Hold back an incomplete rune at the end for the next Write.
	cut := len(buf)
	for i := 1; i <= 3 && i <= len(buf); i++ {
		c := buf[len(buf)-i]
		if startsRune(c) {
			if c >= 0x80 && !utf8.FullRune(buf[len(buf)-i:]) {
				cut = len(buf) - i
			}
			break
		}
	}
	t.pending = append([]byte(nil), buf[cut:]...)
	var b strings.Builder
	writeEscaped(&b, string(buf[:cut]), true)
	if _, err := io.WriteString(t.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a trailing incomplete rune, escaped.
func (t *TerminalWriter) Flush() error {
	if len(t.pending) == 0 {
		return nil
	}
	var b strings.Builder
	writeEscaped(&b, string(t.pending), true)
	t.pending = nil
	_, err := io.WriteString(t.w, b.String())
	return err
}

// EscapeJSON rewrites, in JSON text, every control or bidi character that
// encoding/json leaves raw (DEL, C1 controls, U+202A–U+202E, U+2066–U+2069)
// as a \uXXXX escape. Outside strings JSON holds only ASCII punctuation, so
// the result decodes to exactly the same values, but shows no invisible or
// reordering characters to whoever reads the file in a terminal or editor.
func EscapeJSON(b []byte) []byte {
	clean := true
	for _, r := range string(b) {
		if r >= 0x7f && IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for _, r := range string(b) {
		if r >= 0x7f && IsControl(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}
