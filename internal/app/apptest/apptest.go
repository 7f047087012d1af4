// Package apptest runs the whole roomdesk, assembled by internal/app exactly
// as `roomdesk serve` assembles it, on a real loopback HTTP server with a
// temporary database and the in-process emulator. Handler tests and the
// end-to-end tests both drive it.
package apptest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/config"
	"github.com/roomdesk/roomdesk/internal/notify"
	"github.com/roomdesk/roomdesk/internal/server"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// Password is every test user's password.
const Password = "correct horse battery"

// Options adjust the environment.
type Options struct {
	DataDir     string // required for Start; New uses t.TempDir()
	DatabaseURL string // empty: SQLite in DataDir
	Logger      *slog.Logger
	Now         func() time.Time
	// AttemptTimeout bounds each Tencent attempt (default 2s, so "outcome
	// unknown" tests do not wait for the 5 s production default).
	AttemptTimeout time.Duration
	Tencent        func(*tencent.Config)
	// RequireMFA is ROOMDESK_REQUIRE_MFA; empty means "none", set
	// explicitly, because most tests sign in with a password alone.
	RequireMFA string
	// Environ holds further ROOMDESK_* settings, as the environment would
	// (e.g. ROOMDESK_TRUSTED_PROXIES). URLPlaceholder in a value becomes the
	// server's base URL (e.g. for ROOMDESK_OIDC_REDIRECT_URL).
	Environ map[string]string
	// Notify adjusts the webhook deliverer (an attempt hook, timeouts).
	Notify func(*notify.Options)
}

// URLPlaceholder, in an Environ value, stands for the server's base URL,
// which is known only once its port is.
const URLPlaceholder = "{roomdesk-url}"

// Env is a running roomdesk.
type Env struct {
	*app.App
	URL  string
	stop func()
}

// Start assembles and serves roomdesk; Close stops it. For TestMain-style
// callers that have no *testing.T.
func Start(opts Options) (*Env, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "ROOMDESK_DATA_DIR":
			return opts.DataDir
		case "ROOMDESK_DATABASE_URL":
			return opts.DatabaseURL
		case "ROOMDESK_ADDR":
			return "127.0.0.1:0"
		case config.EnvCatalogueSync:
			// No background sweep unless a test asks (SweepCatalogue
			// sweeps when a test says): its list calls would land in the
			// middle of other tests' call counts.
			if v, ok := opts.Environ[k]; ok {
				return v
			}
			return "off"
		case "ROOMDESK_REQUIRE_MFA":
			if opts.RequireMFA == "" {
				return "none"
			}
			return opts.RequireMFA
		}
		return strings.ReplaceAll(opts.Environ[k], URLPlaceholder, base)
	}, nil)
	if err != nil {
		ln.Close()
		return nil, err
	}
	timeout := opts.AttemptTimeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	a, err := app.New(context.Background(), cfg, app.Options{
		Logger: logger, Now: opts.Now, Notify: opts.Notify,
		Auth: func(o *auth.Options) { o.Hash = auth.HashParams{Memory: 64, Time: 1, Threads: 1} },
		Tencent: func(c *tencent.Config) {
			c.AttemptTimeout = timeout
			if opts.Tencent != nil {
				opts.Tencent(c)
			}
		},
	})
	if err != nil {
		ln.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		server.Run(ctx, ln, a.Handler, server.Options{TrustedProxies: cfg.TrustedProxies, ShutdownTimeout: 5 * time.Second}, logger)
	}()
	env := &Env{App: a, URL: base}
	env.stop = func() { cancel(); <-done; a.Close() }
	return env, nil
}

// New starts roomdesk for one test and stops it at cleanup.
func New(t testing.TB, opts Options) *Env {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	env, err := Start(opts)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	t.Cleanup(env.Close)
	return env
}

// Close stops the server and the app.
func (e *Env) Close() { e.stop() }

// CreateUser adds a user with Password.
func (e *Env) CreateUser(t testing.TB, name string, role auth.Role) auth.User {
	t.Helper()
	actor := audit.Actor{Name: "test", Role: string(auth.RoleAdmin)}
	u, err := e.Auth.Create(context.Background(), actor, name, Password, role)
	if err != nil {
		t.Fatalf("apptest: create user %s: %v", name, err)
	}
	return u
}

// Client is a browser-like HTTP client: a cookie jar, no automatic
// redirects (tests look at them), and the CSRF token a page would send.
type Client struct {
	t    testing.TB
	env  *Env
	HTTP *http.Client
	// Browser makes requests carry Sec-Fetch-Site: same-origin, as a real
	// browser's do; without it the CSRF token is what is checked.
	Browser bool

	csrf, csrfFor string // the last token read, and the session cookie it belongs to
}

// Client returns a fresh client with no session.
func (e *Env) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, env: e, HTTP: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Login signs in a fresh client as username (password Password).
func (e *Env) Login(t testing.TB, username string) *Client {
	t.Helper()
	c := e.Client(t)
	resp := c.PostForm("/login", url.Values{"username": {username}, "password": {Password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("apptest: login %s: status %d: %s", username, resp.StatusCode, resp.Body)
	}
	return c
}

// Response is a fully read response.
type Response struct {
	*http.Response
	Body string
}

// Get fetches path.
func (c *Client) Get(path string, header ...string) *Response {
	c.t.Helper()
	return c.Do(http.MethodGet, path, nil, header...)
}

// PostForm posts a form with the CSRF token from the cookie jar (fetching
// a page first if the jar has none yet).
func (c *Client) PostForm(path string, form url.Values, header ...string) *Response {
	c.t.Helper()
	tok := c.CSRFToken()
	return c.Do(http.MethodPost, path, strings.NewReader(form.Encode()),
		append([]string{"Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", tok}, header...)...)
}

// HTMX marks a request as htmx would.
var HTMX = []string{"HX-Request", "true"}

// csrfAttr finds the token a page embeds in <body hx-headers>.
var csrfAttr = regexp.MustCompile(`hx-headers="[^"]*X-CSRF-Token&#34;:&#34;([A-Za-z0-9_-]+)&#34;`)

// CSRFToken is the token the pages embed, read from a page as its script
// would. It is bound to the session, so it is read again whenever the
// session cookie changes (sign-in, sign-out).
func (c *Client) CSRFToken() string {
	c.t.Helper()
	u, _ := url.Parse(c.env.URL)
	session := ""
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "roomdesk_session") {
			session = ck.Value
		}
	}
	if c.csrf != "" && session == c.csrfFor && session != "" {
		return c.csrf
	}
	for _, path := range []string{"/audit", "/login"} {
		if m := csrfAttr.FindStringSubmatch(c.Get(path).Body); m != nil {
			c.csrf = m[1]
			break
		}
	}
	// The page may have set the pre-session cookie: key the cache on it.
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "roomdesk_session") {
			c.csrfFor = ck.Value
		}
	}
	return c.csrf
}

// Do sends a request; header is name, value pairs.
func (c *Client) Do(method, path string, body io.Reader, header ...string) *Response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.env.URL+path, body)
	if err != nil {
		c.t.Fatalf("apptest: %v", err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if c.Browser {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("apptest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("apptest: read %s: %v", path, err)
	}
	return &Response{Response: resp, Body: string(b)}
}

// String summarises a response for failure messages.
func (r *Response) String() string {
	b := r.Body
	if len(b) > 2000 {
		b = b[:2000] + "..."
	}
	return fmt.Sprintf("HTTP %d\n%s", r.StatusCode, b)
}
