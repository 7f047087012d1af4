package handlers_test

import (
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
)

// X-Request-Id from the client was taken as is: 20 KB of it came back in
// the response header and went into two log lines, past the clipping of
// attacker text everywhere else. A proxy's short, plain id is still kept,
// so its logs and ours correlate.
func TestClientRequestIDIsBounded(t *testing.T) {
	env := apptest.New(t, apptest.Options{})
	c := env.Client(t)
	for _, tc := range []struct{ sent, want string }{
		{strings.Repeat("R", 20000), ""},
		{"a b<script>", ""},
		{"proxy-7f3a.b_1", "proxy-7f3a.b_1"},
		// The ends of each allowed range, and of the length.
		{"azAZ09-_.", "azAZ09-_."},
		{strings.Repeat("q", 64), strings.Repeat("q", 64)},
		{strings.Repeat("q", 65), ""},
		{"a`b", ""}, {"a{b", ""}, {"a@b", ""}, {"a[b", ""}, {"a/b", ""}, {"a:b", ""},
	} {
		got := c.Get("/healthz", "X-Request-Id", tc.sent).Header.Get("X-Request-Id")
		switch {
		case tc.want != "" && got != tc.want:
			t.Errorf("plain id %q became %q", tc.sent, got)
		case tc.want == "" && (got == tc.sent || len(got) > 64 || got == ""):
			t.Errorf("hostile id (%d bytes) answered with %d bytes", len(tc.sent), len(got))
		}
	}
}
