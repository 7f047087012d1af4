package safetext

import "testing"

func TestNeutraliseCell(t *testing.T) {
	cases := []struct{ in, want string }{
		{"=SUM(A1:A9)", "'=SUM(A1:A9)"},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"=", "'="},
		{"", ""},
		{"plain", "plain"},
		{"a=b", "a=b"},         // only the first character counts
		{" =1", " =1"},         // not in OWASP's list
		{"'=1", "'=1"},         // already text
		{"\n=1", "\n=1"},       // not in OWASP's list
		{"Évening", "Évening"}, // multi-byte first characters are text
	}
	for _, tc := range cases {
		if got := NeutraliseCell(tc.in); got != tc.want {
			t.Errorf("NeutraliseCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Every byte: exactly the six formula characters are quoted.
	for b := range 256 {
		s := string([]byte{byte(b), 'x'})
		quoted := NeutraliseCell(s) != s
		want := b == '=' || b == '+' || b == '-' || b == '@' || b == '\t' || b == '\r'
		if quoted != want {
			t.Errorf("byte %#x: quoted %v, want %v", b, quoted, want)
		}
	}
}
