package handlers

import "testing"

// Cookies keep the Secure flag on a plain-HTTP loopback address (a browser
// treats it as secure), and lose it on any other plain-HTTP host.
func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "localhost:8080": true, "127.0.0.1:8080": true, "127.0.0.2": true, "[::1]:8080": true, "::1": true,
		"console.example": false, "console.example:443": false, "10.0.0.1:8080": false, "localhost.example:80": false, "": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
