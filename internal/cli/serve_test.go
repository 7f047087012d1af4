package cli

import "testing"

// TestSelfCommand: the printed commands work for whoever started roomdesk,
// including with `go run .`, whose binary lives in a temporary go-build
// directory that is gone once it exits.
func TestSelfCommand(t *testing.T) {
	for argv0, want := range map[string]string{
		"/tmp/go-build3841029/b001/exe/roomdesk":                          "go run .",
		`C:\Users\x\AppData\Local\Temp\go-build123\b001\exe\roomdesk.exe`: "go run .",
		"./roomdesk":              "./roomdesk",
		"/usr/local/bin/roomdesk": "/usr/local/bin/roomdesk",
		"":                        "roomdesk",
	} {
		if got := selfCommand(argv0); got != want {
			t.Errorf("selfCommand(%q) = %q, want %q", argv0, got, want)
		}
	}
}
