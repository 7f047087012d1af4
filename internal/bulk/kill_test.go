package bulk_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/emulator"
)

// TestSIGKILLMidJobUpdatesEveryRoomOnce builds the real binary, runs
// `roomdesk serve` against an emulator listening in this test, starts a
// bulk job over HTTP, SIGKILLs the server mid-job, starts it again and
// waits: every room must be updated exactly once, and `roomdesk audit
// verify` must pass.
func TestSIGKILLMidJobUpdatesEveryRoomOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "roomdesk")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	emu := emulator.New(emulator.Config{SDKAppID: testAppID, SecretKey: testSecret})
	emu.SetLatency(25 * time.Millisecond)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	const n = 800
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("kill-%04d", i+1)
		emu.PutRoom(emulator.Room{RoomID: ids[i], RoomName: "old", MaxMemberCount: 10, TakeSeatMode: "FreeToTake"})
	}
	env := append(os.Environ(),
		"ROOMDESK_DATA_DIR="+filepath.Join(dir, "data"), "ROOMDESK_ADDR=127.0.0.1:0",
		fmt.Sprintf("ROOMDESK_SDKAPPID=%d", testAppID), "ROOMDESK_SECRET_KEY="+testSecret,
		"ROOMDESK_TENCENT_ENDPOINT="+srv.URL, "ROOMDESK_ADMIN_PASSWORD=kill test password 1",
		"ROOMDESK_DATABASE_URL=", "ROOMDESK_LOG_LEVEL=warn",
		"ROOMDESK_REQUIRE_MFA=none") // signs in with a password alone

	cmd, base := startServe(t, bin, env)
	c := login(t, base, "admin", "kill test password 1")
	form := url.Values{"rooms": {strings.Join(ids, "\n")}, "change": {"RoomName"}, "RoomName": {"after the crash"}}
	page := c.post(t, base+"/bulk/preview", form)
	m := regexp.MustCompile(`name="digest" value="([0-9a-f]+)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no start button in the preview: %.2000s", page.body)
	}
	form.Set("digest", m[1])
	started := c.post(t, base+"/bulk", form)
	job := started.resp.Header.Get("Location")
	if started.resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/bulk/") {
		t.Fatalf("start: %d %s", started.resp.StatusCode, job)
	}
	waitFor(t, 30*time.Second, "a third of the rooms", func() bool { return updated(emu, ids) >= n/3 })
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	before := updated(emu, ids)
	if before >= n {
		t.Fatalf("the job finished before the kill (%d rooms)", before)
	}
	t.Logf("killed with %d of %d rooms updated", before, n)

	cmd, base = startServe(t, bin, env)
	c = login(t, base, "admin", "kill test password 1")
	status := regexp.MustCompile(`data-testid="bulk-progress" data-status="([a-z]+)"`)
	waitFor(t, 60*time.Second, "the resumed job to finish", func() bool {
		m := status.FindStringSubmatch(c.get(t, base+job+"/progress").body)
		return m != nil && m[1] == "done"
	})
	for _, id := range ids {
		if got := emu.UpdateCount(id); got != 1 {
			t.Errorf("room %s updated %d times", id, got)
		}
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	verify := exec.Command(bin, "audit", "verify")
	verify.Env = env
	if out, err := verify.CombinedOutput(); err != nil {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
}

func updated(emu *emulator.Emulator, ids []string) int {
	n := 0
	for _, id := range ids {
		if emu.UpdateCount(id) > 0 {
			n++
		}
	}
	return n
}

func startServe(t *testing.T, bin string, env []string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "roomdesk is ready at "); ok {
				ready <- url
			}
		}
	}()
	select {
	case u := <-ready:
		return cmd, u
	case <-time.After(30 * time.Second):
		t.Fatal("roomdesk serve did not become ready")
	}
	return nil, ""
}

type httpClient struct {
	*http.Client
	base string
	csrf string // from the last page read
}

type page struct {
	resp *http.Response
	body string
}

// csrfAttr finds the token a page embeds in <body hx-headers>; it is bound
// to the session, so every page refreshes it.
var csrfAttr = regexp.MustCompile(`X-CSRF-Token&#34;:&#34;([A-Za-z0-9_-]+)&#34;`)

func login(t *testing.T, base, user, password string) *httpClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &httpClient{Client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: base}
	c.get(t, base+"/login")
	if p := c.post(t, base+"/login", url.Values{"username": {user}, "password": {password}}); p.resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d %.500s", p.resp.StatusCode, p.body)
	}
	c.get(t, base+"/bulk") // the CSRF token changed with the session
	return c
}

func (c *httpClient) do(t *testing.T, req *http.Request) page {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfAttr.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return page{resp: resp, body: string(b)}
}

func (c *httpClient) get(t *testing.T, u string) page {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	return c.do(t, req)
}

func (c *httpClient) post(t *testing.T, u string, form url.Values) page {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", c.csrf)
	return c.do(t, req)
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond) // polls a condition; orders nothing
	}
}
