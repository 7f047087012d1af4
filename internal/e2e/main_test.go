// Package e2e drives roomdesk in a real Chromium with playwright-go: the
// product assembled as `roomdesk serve` assembles it, on a loopback port,
// with a temporary SQLite database and the in-process emulator (whose fault
// injection the tests reach directly).
//
// `make test` installs what this needs (Debian's Chromium, playwright-core
// from npm as the driver). A missing browser or driver fails the suite; it
// is never skipped, except under -short (`make test-short`, the inner loop),
// where no browser is started and every test skips, saying so.
package e2e

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"github.com/roomdesk/roomdesk/internal/app"
	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/callgate"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

var (
	env     *apptest.Env
	browser playwright.Browser
	userSeq atomic.Int64
	// gate stands between the console and the emulator, so a test can hold
	// Tencent calls in flight and release them when it has seen what it
	// wants (callgate). It lets everything through unless a test says.
	gate *callgate.Gate
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	dir, err := os.MkdirTemp("", "roomdesk-e2e-")
	if err != nil {
		log.Print(err)
		return 1
	}
	defer os.RemoveAll(dir)
	var emu atomic.Pointer[emulator.Emulator]
	gate = callgate.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { emu.Load().ServeHTTP(w, r) }))
	door := httptest.NewServer(gate)
	defer door.Close()
	// Most tests sign in with a password alone; TestMFAEnrolAndSignIn
	// turns a second factor on for its own user, which applies whatever
	// the policy.
	env, err = apptest.Start(apptest.Options{DataDir: dir, RequireMFA: "none",
		// Calls held at the gate must not time out into retries; no e2e test
		// waits for an attempt's timeout.
		AttemptTimeout: time.Minute,
		// The gate stands before the default app's emulator (env.Emulator,
		// where tests inject faults); demo mode's second app keeps its own.
		Tencent: func(c *tencent.Config) {
			if c.SDKAppID == app.DemoSDKAppID {
				c.Endpoint = door.URL
			}
		}})
	if err != nil {
		log.Printf("e2e: start roomdesk: %v", err)
		return 1
	}
	emu.Store(env.Emulator)
	defer env.Close()
	// The background sweep is off (apptest): one sweep now, so every test
	// sees /rooms answered from the room catalogue, as a running console
	// does once its first sweep has finished.
	if err := env.SweepCatalogue(context.Background()); err != nil {
		log.Printf("e2e: sweep the room catalogue: %v", err)
		return 1
	}
	defer gate.Close() // first: the bulk runner may wait on held calls
	if testing.Short() {
		// The console runs (helpers may touch it), the browser does not:
		// every test skips in newPage (skipShort), saying so.
		return m.Run()
	}

	pw, err := playwright.Run(&playwright.RunOptions{SkipInstallBrowsers: true, Verbose: false})
	if err != nil {
		log.Printf("e2e: playwright driver missing or wrong version (run `make test`, which installs it): %v", err)
		return 1
	}
	defer pw.Stop()
	exe := os.Getenv("ROOMDESK_CHROMIUM")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(exe),
		Headless:       playwright.Bool(true),
		// The machine has no network beyond loopback: keep Chromium from
		// trying to reach Google's services at every start.
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync"},
	})
	if err != nil {
		log.Printf("e2e: launch Chromium at %s (run `make test`, which installs it): %v", exe, err)
		return 1
	}
	defer browser.Close()
	return m.Run()
}

// page is one test's browser tab in a fresh context, with everything the
// page logged to the console collected.
type page struct {
	playwright.Page
	t         *testing.T
	mu        sync.Mutex
	console   []string // console errors, CSP violations and uncaught exceptions
	allowedRE []*regexp.Regexp
}

// coverImage stands in for the app's image CDN, which the machine cannot
// reach: any https image request gets this picture.
var coverImage = []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 90"><defs><linearGradient id="g"><stop offset="0" stop-color="#6366f1"/><stop offset="1" stop-color="#ec4899"/></linearGradient></defs><rect width="160" height="90" fill="url(#g)"/><circle cx="80" cy="45" r="16" fill="#fff" opacity=".85"/><path d="M75 37l13 8-13 8z" fill="#6366f1"/></svg>`)

// skipShort skips a test under -short, when TestMain started no browser.
// newPage calls it, so every test that drives the browser skips there.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("e2e: browser suite skipped under -short; `make test` runs it")
	}
}

// newPage opens a fresh context and tab. On failure it saves a screenshot
// and the page's HTML under internal/e2e/artifacts/<test>/. It fails the
// test if the page logged any console error or CSP violation.
func newPage(t *testing.T) *page {
	t.Helper()
	return newPageAt(t, 1280, "")
}

// newPageAt is newPage with a viewport width (1280 desktop, 390 phone) and
// a browser locale (its Accept-Language; "" is Chromium's default, en-US).
func newPageAt(t *testing.T, width int, locale string) *page {
	t.Helper()
	skipShort(t)
	opts := playwright.BrowserNewContextOptions{
		Viewport:        &playwright.Size{Width: width, Height: 900},
		AcceptDownloads: playwright.Bool(true),
	}
	if locale != "" {
		opts.Locale = playwright.String(locale)
	}
	ctx, err := browser.NewContext(opts)
	if err != nil {
		t.Fatalf("new context: %v", err)
	}
	if err := ctx.Route(regexp.MustCompile(`^https://`), func(r playwright.Route) {
		r.Fulfill(playwright.RouteFulfillOptions{Status: playwright.Int(200), ContentType: playwright.String("image/svg+xml"), Body: coverImage})
	}); err != nil {
		t.Fatalf("route: %v", err)
	}
	pg, err := ctx.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	pg.SetDefaultTimeout(10000)
	p := &page{Page: pg, t: t}
	pg.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() == "error" || strings.Contains(m.Text(), "Content Security Policy") {
			p.mu.Lock()
			msg := m.Type() + ": " + m.Text()
			if loc := m.Location(); loc != nil && loc.URL != "" {
				msg += " (at " + loc.URL + ")" // which resource, for expectConsole
			}
			p.console = append(p.console, msg)
			p.mu.Unlock()
		}
	})
	pg.OnPageError(func(err error) {
		p.mu.Lock()
		p.console = append(p.console, "uncaught: "+err.Error())
		p.mu.Unlock()
	})
	t.Cleanup(func() {
		if t.Failed() {
			p.saveArtifacts()
		} else {
			p.checkA11y("end of " + t.Name()) // the state the test left the page in
		}
		p.mu.Lock()
		msgs := append([]string(nil), p.console...)
		p.mu.Unlock()
		ctx.Close()
		for _, m := range msgs {
			if !p.allowed(m) {
				t.Errorf("browser console: %s", m)
			}
		}
	})
	return p
}

// expectedConsole lists console messages a test provokes on purpose (a
// refused forged request logs its 403 status).
func (p *page) expectConsole(pattern string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.allowedRE = append(p.allowedRE, regexp.MustCompile(pattern))
}

func (p *page) allowed(msg string) bool {
	for _, re := range p.allowedRE {
		if re.MatchString(msg) {
			return true
		}
	}
	return false
}

func (p *page) saveArtifacts() {
	dir := filepath.Join("artifacts", sanitize(p.t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	p.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(filepath.Join(dir, "page.png")), FullPage: playwright.Bool(true)})
	if html, err := p.Content(); err == nil {
		os.WriteFile(filepath.Join(dir, "page.html"), []byte(html), 0o644)
	}
	p.t.Logf("artifacts saved in internal/e2e/%s", dir)
}

func sanitize(s string) string {
	return regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(s, "_")
}

// user creates a user with a unique name for this test.
func user(t *testing.T, role auth.Role) string {
	name := fmt.Sprintf("%s%d", role, userSeq.Add(1))
	env.CreateUser(t, name, role)
	return name
}

// login signs in through the form, as a person would.
func (p *page) login(name string) {
	p.t.Helper()
	p.gotoPath("/login")
	p.must(p.GetByLabel("Username").Fill(name))
	p.must(p.GetByLabel("Password").Fill(apptest.Password))
	p.must(p.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"}).Click())
	p.must(p.WaitForURL("**/rooms**"))
}

func (p *page) gotoPath(path string) playwright.Response {
	p.t.Helper()
	resp, err := p.Goto(env.URL + path)
	if err != nil {
		p.t.Fatalf("goto %s: %v", path, err)
	}
	p.checkA11y("load")
	return resp
}

// must fails the test on a playwright error.
func (p *page) must(err error) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("%v", err)
	}
}

// byTestID is the locator for data-testid=id.
func (p *page) byTestID(id string) playwright.Locator { return p.GetByTestId(id) }

// expectTimeoutMS bounds how long an expectation waits for the page to
// get there. It is a hang guard, not a measurement: passing tests never
// wait it out, and on a loaded 2-core machine a bulk poll took over 5 s.
const expectTimeoutMS = 15000

// expect wraps playwright's web-first assertions.
func (p *page) expect(l playwright.Locator) playwright.LocatorAssertions {
	return playwright.NewPlaywrightAssertions(expectTimeoutMS).Locator(l)
}
