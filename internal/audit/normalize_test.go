package audit

import "testing"

// TestNormalizeEachField: every text a change carries, and the kind, is
// cleaned on its own (one dirty field is enough to copy and clean the
// changes), and clean changes are left as the caller's slice.
func TestNormalizeEachField(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Change
		want Change
	}{
		{"field", Change{Field: "a\x00", Before: "b", After: "c"}, Change{Field: "a\uFFFD", Before: "b", After: "c"}},
		{"before", Change{Field: "a", Before: "b\xff", After: "c"}, Change{Field: "a", Before: "b\uFFFD", After: "c"}},
		{"after", Change{Field: "a", Before: "b", After: "c\x00"}, Change{Field: "a", Before: "b", After: "c\uFFFD"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := []Change{tc.in}
			e := Entry{Changes: cs}
			Normalize(&e)
			if e.Changes[0] != tc.want {
				t.Errorf("Normalize gave %+v, want %+v", e.Changes[0], tc.want)
			}
			if cs[0] != tc.in {
				t.Error("Normalize changed the caller's Changes slice")
			}
		})
	}
	clean := []Change{{Field: "a", Before: "b", After: "c"}}
	e := Entry{Kind: "intent\x00", Changes: clean}
	Normalize(&e)
	if &e.Changes[0] != &clean[0] {
		t.Error("clean changes were copied")
	}
	if e.Kind != "intent\uFFFD" {
		t.Errorf("Kind = %q", e.Kind)
	}
}
