package audit

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// TestChangesText: the changes column read without parsing gives
// FormatChanges' text for what AppendChanges writes, and for anything else
// falls back to ParseChanges, errors included.
func TestChangesText(t *testing.T) {
	odd := []string{"", "plain", `say "hi"`, `back\slash`, "ctl\x01\x1f\b\f\n\r\t", "Évening 拉面 \u2028", "→"}
	var cs []Change
	for i, s := range odd {
		cs = append(cs, Change{Field: s, Before: odd[(i+1)%len(odd)], After: odd[(i+2)%len(odd)]})
		raw := AppendChanges(nil, cs)
		got, err := appendChangesText(nil, raw)
		if err != nil || string(got) != FormatChanges(cs) {
			t.Errorf("%s: got %q %v, want %q", raw, got, err, FormatChanges(cs))
		}
		if _, ok := fastChangesText(nil, raw); !ok {
			t.Errorf("%s: AppendChanges' own form was not read directly", raw)
		}
	}
	for _, raw := range []string{"", "[]", "null", ` [{"field":"a","before":"b","after":"c"}]`,
		`[{"after":"c","field":"a","before":"b"}]`, `[{"field":"\u00e9\/","before":"b","after":"c"}]`,
		`[{"field":"a","before":"b","after":"c","x":1}]`, "[{\"field\":\"\xff\",\"before\":\"\",\"after\":\"\"}]",
		`[{"field":"a"}]`, `[{"field":"a","before":"b","after":"c"},]`, `{`, `[{"field":1}]`} {
		want, werr := ParseChanges(raw)
		got, err := appendChangesText([]byte("keep"), []byte(raw))
		if (err != nil) != (werr != nil) {
			t.Errorf("%q: error %v, ParseChanges' %v", raw, err, werr)
			continue
		}
		if err == nil && string(got) != "keep"+FormatChanges(want) {
			t.Errorf("%q: got %q, want %q", raw, got, "keep"+FormatChanges(want))
		}
	}
}

// TestCSVField: every cell is quoted exactly as encoding/csv quotes it,
// after NeutraliseCell where the export neutralises.
func TestCSVField(t *testing.T) {
	cells := []string{"", "x", " x", "\u00a0x", "\u0085x", `\.`, `'\.`, "a,b", `q"q`, "l\nf", "c\rr",
		"=1", "=1,2", "= x", "+\"", "-\n", "@", "\t x", "\r", "\\", "拉面", "\xff"}
	for _, neut := range []bool{false, true} {
		for _, c := range cells {
			var want bytes.Buffer
			w := csv.NewWriter(&want)
			in := c
			if neut && in != "" && (in[0] == '=' || in[0] == '+' || in[0] == '-' || in[0] == '@' || in[0] == '\t' || in[0] == '\r') {
				in = "'" + in
			}
			w.Write([]string{in, "z"})
			w.Flush()
			got := append(appendCSVField(nil, []byte(c), neut), ",z\n"...)
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("neutralise %v, %q: got %q, want %q", neut, c, got, want.Bytes())
			}
		}
	}
}
