package components

import (
	"math"
	"testing"
)

func TestContrastRatio(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"#ffffff", "#000000", 21},
		{"#ffffff", "#ffffff", 1},
		{"#ffffff", "#0d9488", 3.74}, // axe's figure for the old demo-sg band
		{"#d1d5db", "#ffffff", 1.47}, // the old 404 code
	} {
		if got := ContrastRatio(tc.a, tc.b); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("ContrastRatio(%s, %s) = %.2f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
	if got := InkOn("#0d9488"); got != "#111827" {
		t.Errorf("InkOn(#0d9488) = %s, want dark text (white is 3.74:1)", got)
	}
	if got := InkOn("#2563eb"); got != "#ffffff" {
		t.Errorf("InkOn(#2563eb) = %s, want white (5.17:1)", got)
	}
}
