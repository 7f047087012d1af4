package components

import (
	"math"
	"strconv"
)

// InkOn is the text colour for a band of background colour bg (#rrggbb):
// white when it reaches 4.5:1 against bg (WCAG 1.4.3), else near-black.
// App colours come from configuration, so any colour stays readable.
func InkOn(bg string) string {
	if ContrastRatio("#ffffff", bg) >= 4.5 {
		return "#ffffff"
	}
	return "#111827"
}

// ContrastRatio is WCAG's contrast ratio between two #rrggbb colours
// (1 to 21); a malformed colour counts as black.
func ContrastRatio(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	if len(hex) != 7 || hex[0] != '#' {
		return 0
	}
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return 0
		}
		s := float64(v) / 255
		if s <= 0.04045 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
