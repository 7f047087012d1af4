package handlers_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
)

// X-Request-Id from the client was taken as is: 20 KB of it came back in
// the response header and went into two log lines, past the clipping of
// attacker text everywhere else. A proxy's short, plain id is still kept,
// so its logs and ours correlate.
func TestClientRequestIDIsBounded(t *testing.T) {
	log := &lockedBuffer{}
	env := apptest.New(t, apptest.Options{Logger: slog.New(slog.NewTextHandler(log, nil))})
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
	// The request log has a line per request, except for probes and
	// static files, which would drown it.
	for _, p := range []string{"/static/css/app.css", "/login", "/static"} {
		c.Get(p)
	}
	lines := log.String()
	for p, want := range map[string]bool{"/healthz": false, "/static/css/app.css": false, "/login": true, "/static": true} {
		if got := strings.Contains(lines, `msg=request method=GET path=`+p+" "); got != want {
			t.Errorf("request log line for %s: %v, want %v", p, got, want)
		}
	}
}

// lockedBuffer collects the log lines the server's goroutines write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
