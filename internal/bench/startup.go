package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/emulator"
)

var readyRE = regexp.MustCompile(`ready at (http://\S+)`)

// benchStartup builds the binary and times `roomdesk serve` to ready, on a
// fresh data dir and then on the same one again, against a loopback
// emulator (not demo mode, which also seeds its own emulator).
func benchStartup(ctx context.Context, b *bench) error {
	dir, err := os.MkdirTemp("", "roomdesk-bench-start-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "roomdesk")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	key := emulator.NewSecretKey()
	const appID = 1400000099
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	go emulator.Serve(ectx, ln, emulator.New(emulator.Config{SDKAppID: appID, SecretKey: key}), nil)
	keyFile := filepath.Join(dir, "secret")
	os.WriteFile(keyFile, []byte(key), 0o600)
	env := append(os.Environ(),
		"ROOMDESK_DATA_DIR="+filepath.Join(dir, "data"), "ROOMDESK_ADDR=127.0.0.1:0",
		"ROOMDESK_SDKAPPID="+strconv.Itoa(appID), "ROOMDESK_SECRET_KEY_FILE="+keyFile,
		"ROOMDESK_TENCENT_ENDPOINT=http://"+ln.Addr().String(), "ROOMDESK_ADMIN_PASSWORD=bench startup password",
		"ROOMDESK_LOG_LEVEL=warn")
	for _, run := range []string{"fresh data dir", "existing data dir"} {
		ready, healthy, rss, err := startOnce(ctx, bin, env)
		if err != nil {
			return fmt.Errorf("%s: %w", run, err)
		}
		b.add(row{Figure: "6", What: "roomdesk serve, " + run + ": start to ready / to /healthz 200",
			Value: fmt.Sprintf("%s / %s", ms(ready), ms(healthy)), Goal: "< 150 ms", Status: passMiss(healthy < 150*time.Millisecond)})
		b.add(row{Figure: "6", What: "roomdesk serve, " + run + ": idle RSS 1 s after ready", Value: mib(rss),
			Goal: "< 30 MB", Status: passMiss(rss < 30*1024)})
	}
	return nil
}

func startOnce(ctx context.Context, bin string, env []string) (ready, healthy time.Duration, rssKB int64, err error) {
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, 0, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := readyRE.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-urlc:
		ready = time.Since(t0)
	case <-time.After(30 * time.Second):
		return 0, 0, 0, fmt.Errorf("not ready after 30 s")
	}
	for {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(t0) > 30*time.Second {
			return 0, 0, 0, fmt.Errorf("/healthz never answered 200")
		}
		time.Sleep(time.Millisecond)
	}
	healthy = time.Since(t0)
	time.Sleep(time.Second)
	return ready, healthy, status(strconv.Itoa(cmd.Process.Pid), "VmRSS"), nil
}
