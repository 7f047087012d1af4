package cli_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/cli"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs one command with only vars in the environment (and a fresh data
// dir unless vars names one).
func run(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb syncBuffer
	code := cli.Run(context.Background(), append([]string{"roomdesk"}, args...), cli.Env{
		Getenv: getenv(t, vars), Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
	})
	return result{code, out.String(), errb.String()}
}

func getenv(t *testing.T, vars map[string]string) func(string) string {
	if _, ok := vars["ROOMDESK_DATA_DIR"]; !ok {
		dir := t.TempDir()
		vars["ROOMDESK_DATA_DIR"] = dir
	}
	return func(k string) string { return vars[k] }
}

func TestBadConfiguration(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-key")
	tests := []struct {
		name string
		vars map[string]string
		want string // the variable the one line must name
	}{
		{"sdkappid not a number", map[string]string{"ROOMDESK_SDKAPPID": "abc"}, "ROOMDESK_SDKAPPID"},
		{"secret key file unreadable", map[string]string{"ROOMDESK_SDKAPPID": "1400000001", "ROOMDESK_SECRET_KEY_FILE": missing}, "ROOMDESK_SECRET_KEY_FILE"},
		{"unknown region", map[string]string{"ROOMDESK_REGION": "mars"}, "ROOMDESK_REGION"},
		{"mysql database", map[string]string{"ROOMDESK_DATABASE_URL": "mysql://x"}, "ROOMDESK_DATABASE_URL"},
		{"bad address", map[string]string{"ROOMDESK_ADDR": "no-port"}, "ROOMDESK_ADDR"},
	}
	for _, tc := range tests {
		for _, cmd := range [][]string{nil, {"serve"}, {"user", "list"}, {"healthcheck"}} {
			t.Run(tc.name+"/"+strings.Join(cmd, " "), func(t *testing.T) {
				r := run(t, tc.vars, "", cmd...)
				if r.code != 2 {
					t.Fatalf("exit code %d, want 2; stderr: %s", r.code, r.stderr)
				}
				lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
				if len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
					t.Errorf("stderr should be one line naming %s, got %q", tc.want, r.stderr)
				}
				if r.stdout != "" {
					t.Errorf("stdout: %q", r.stdout)
				}
			})
		}
	}
	// The value of a secret is not repeated back.
	r := run(t, map[string]string{"ROOMDESK_DATABASE_URL": "mysql://root:hunter2@db/x"}, "")
	if r.code != 2 || strings.Contains(r.stderr, "hunter2") {
		t.Errorf("database URL error leaks the password: %q", r.stderr)
	}
}

func TestUnknownCommand(t *testing.T) {
	r := run(t, map[string]string{}, "", "frobnicate")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Fatalf("got %+v", r)
	}
	if r := run(t, map[string]string{}, "", "help"); r.code != 0 || !strings.Contains(r.stdout, "usage:") {
		t.Fatalf("help: %+v", r)
	}
}

func TestUserAddList(t *testing.T) {
	vars := map[string]string{"ROOMDESK_DATA_DIR": t.TempDir()}
	if r := run(t, vars, "a good long password\n", "user", "add", "olivia", "--role", "operator"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	r := run(t, vars, "", "user", "list")
	if r.code != 0 {
		t.Fatalf("user list: %+v", r)
	}
	if !regexp.MustCompile(`(?m)^olivia\s+operator\s`).MatchString(r.stdout) {
		t.Errorf("list does not show olivia as operator:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, "a good long password") {
		t.Error("the password was printed")
	}

	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"taken", "another long password\n", []string{"user", "add", "olivia"}},
		{"short password", "short\n", []string{"user", "add", "pete"}},
		{"password on the command line", "", []string{"user", "add", "pete", "secretpassword1"}},
		{"bad role", "another long password\n", []string{"user", "add", "pete", "--role", "root"}},
		{"no such user", "", []string{"user", "disable", "nobody"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, vars, tc.stdin, tc.args...)
			if r.code == 0 || r.stderr == "" {
				t.Fatalf("want a failure with a message, got %+v", r)
			}
			if strings.Contains(r.stderr, "secretpassword1") {
				t.Error("the password from argv was echoed")
			}
		})
	}
	if r := run(t, vars, "", "user", "list"); strings.Contains(r.stdout, "pete") {
		t.Errorf("a refused add created a user:\n%s", r.stdout)
	}
}

func TestServeAndHealthcheck(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"ROOMDESK_DATA_DIR": dir, "ROOMDESK_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"roomdesk"}, cli.Env{
			Getenv: getenv(t, vars), Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Ready: func(url string) { ready <- url },
		})
	}()
	var url string
	select {
	case url = <-ready:
	case code := <-done:
		t.Fatalf("serve exited with %d before ready: %s", code, errb.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve not ready after 30s: %s", errb.String())
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited with %d after cancel: %s", code, errb.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15s of cancel")
		}
	})

	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("ready URL = %q", url)
	}
	stdout := out.String()
	if !strings.Contains(stdout, "roomdesk is ready at "+url) || !strings.Contains(stdout, "DEMO") {
		t.Errorf("stdout does not announce the URL and demo mode:\n%s", stdout)
	}
	m := regexp.MustCompile(`Sign in as admin with password: (\S+)`).FindStringSubmatch(stdout)
	if m == nil || len(m[1]) < 16 {
		t.Fatalf("no generated admin password on stdout:\n%s", stdout)
	}
	if strings.Contains(errb.String(), m[1]) {
		t.Error("the generated password is in the log")
	}
	if !strings.Contains(stdout, "user passwd admin`") {
		t.Errorf("stdout does not say how to change the password:\n%s", stdout)
	}

	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d %s", resp.StatusCode, body)
	}

	// The printed password signs in.
	req, _ := http.NewRequest(http.MethodPost, url+"/login", strings.NewReader("username=admin&password="+m[1]))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin") // as a browser sends it; stands in for the CSRF token
	login, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	login.Body.Close()
	if login.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in with the generated admin password: HTTP %d", login.StatusCode)
	}

	addr := strings.TrimPrefix(url, "http://")
	t.Run("healthcheck ok", func(t *testing.T) {
		r := run(t, map[string]string{"ROOMDESK_ADDR": addr}, "", "healthcheck")
		if r.code != 0 || strings.TrimSpace(r.stdout) != "ok" {
			t.Fatalf("healthcheck: %+v", r)
		}
	})
	t.Run("healthcheck wildcard address", func(t *testing.T) {
		_, port, _ := net.SplitHostPort(addr)
		r := run(t, map[string]string{"ROOMDESK_ADDR": "0.0.0.0:" + port}, "", "healthcheck")
		if r.code != 0 {
			t.Fatalf("healthcheck on 0.0.0.0: %+v", r)
		}
	})
	t.Run("healthcheck down", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		free := ln.Addr().String()
		ln.Close()
		r := run(t, map[string]string{"ROOMDESK_ADDR": free}, "", "healthcheck")
		if r.code != 1 || !strings.Contains(r.stderr, "not healthy") {
			t.Fatalf("healthcheck against nothing: %+v", r)
		}
	})

	t.Run("first admin stored", func(t *testing.T) {
		r := run(t, map[string]string{"ROOMDESK_DATA_DIR": dir}, "", "user", "list")
		if r.code != 0 || !regexp.MustCompile(`(?m)^admin\s+admin\s`).MatchString(r.stdout) {
			t.Fatalf("user list after first start: %+v", r)
		}
	})
}

// app-role checks the app against the apps the console would serve: demo
// mode's emulated apps, or ROOMDESK_APPS_FILE's. A refusal is one line and
// exit code 1, as for the other user commands.
func TestUserAppRole(t *testing.T) {
	demo := map[string]string{"ROOMDESK_DATA_DIR": t.TempDir()}
	if r := run(t, demo, "a good long password\n", "user", "add", "olivia"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	if r := run(t, demo, "", "user", "app-role", "olivia", "demo-sg", "operator"); r.code != 0 || r.stdout != "olivia now has operator in demo-sg\n" {
		t.Fatalf("app-role in demo mode: %+v", r)
	}
	if r := run(t, demo, "", "user", "list"); !regexp.MustCompile(`(?m)^olivia\s+viewer\s.*\sdemo-sg=operator$`).MatchString(r.stdout) {
		t.Errorf("list does not show the app role:\n%s", r.stdout)
	}

	dir := t.TempDir()
	key := filepath.Join(dir, "key")
	appsFile := filepath.Join(dir, "apps.json")
	if err := os.WriteFile(key, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(appsFile, []byte(`[{"id":"prod-cn","name":"Production CN","sdkappid":1400000001,"secret_key_file":"`+key+`"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"ROOMDESK_DATA_DIR": demo["ROOMDESK_DATA_DIR"], "ROOMDESK_APPS_FILE": appsFile}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"app of demo mode", []string{"olivia", "demo-sg", "viewer"}, `roomdesk user: no app "demo-sg" is configured (apps: prod-cn)`},
		{"unknown user", []string{"nobody", "prod-cn", "viewer"}, `roomdesk user: no user named "nobody"`},
		{"unknown role", []string{"olivia", "prod-cn", "admin"}, `roomdesk user: role "admin" is not none, viewer, operator or default`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, vars, "", append([]string{"user", "app-role"}, tc.args...)...)
			if r.code != 1 || r.stderr != tc.want+"\n" || r.stdout != "" {
				t.Errorf("got %+v, want exit 1 and %q", r, tc.want)
			}
		})
	}
	if r := run(t, vars, "", "user", "app-role", "olivia", "prod-cn", "none"); r.code != 0 {
		t.Fatalf("app-role with an apps file: %+v", r)
	}
	if r := run(t, vars, "", "user", "list"); !strings.Contains(r.stdout, "demo-sg=operator prod-cn=none") {
		t.Errorf("list:\n%s", r.stdout)
	}
}
