package static

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDarkModeContrast holds the dark palette to the light one's rules:
// text at least 4.5:1 against the backgrounds it sits on (WCAG 2.2 AA),
// input borders and focus rings at least 3:1 (non-text contrast).
func TestDarkModeContrast(t *testing.T) {
	css, err := FS.ReadFile("css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(css), "@media (prefers-color-scheme: dark)")
	if i < 0 {
		t.Fatal("no dark mode in app.css")
	}
	dark := string(css[i:])
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(dark, -1) {
		if _, seen := vars[m[1]]; !seen {
			vars[m[1]] = m[2]
		}
	}
	const raised, badge = "#20242c", "#262b34" // hover rows, headers, badges
	for _, c := range []struct {
		fg, bg string
		min    float64
	}{
		{vars["ink"], vars["bg"], 4.5}, {vars["ink"], vars["panel"], 4.5},
		{vars["ink-2"], vars["panel"], 4.5}, {vars["ink-2"], raised, 4.5}, {vars["ink-2"], badge, 4.5},
		{vars["ink-3"], vars["bg"], 4.5}, {vars["ink-3"], vars["panel"], 4.5}, {vars["ink-3"], raised, 4.5},
		{vars["brand"], vars["panel"], 4.5}, {vars["brand"], vars["bg"], 4.5},
		{vars["ok"], vars["ok-bg"], 4.5}, {vars["bad"], vars["bad-bg"], 4.5}, {vars["warn"], vars["warn-bg"], 4.5},
		{"#111827", vars["brand"], 4.5}, // primary buttons
		{vars["line-2"], vars["panel"], 3}, {"#c7d2fe", vars["panel"], 3}, {vars["brand"], vars["panel"], 3},
	} {
		if c.fg == "" || c.bg == "" {
			t.Fatalf("a colour of the dark palette is missing: %+v in %v", c, vars)
		}
		if got := contrast(c.fg, c.bg); got < c.min {
			t.Errorf("%s on %s: %.2f:1, want at least %.1f:1", c.fg, c.bg, got, c.min)
		}
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(0) + 0.7152*ch(1) + 0.0722*ch(2)
}
