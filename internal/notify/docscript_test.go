package notify_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/notify"
)

// TestDocReceiver runs the Python receiver printed in docs/NOTIFY.md: it
// accepts what roomdesk signs (so the documented signature is the one
// sent) and refuses a request whose body was altered.
func TestDocReceiver(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 not installed; .ci/deps.sh installs it")
		}
		t.Skip("python3 not installed (make test installs it)")
	}
	doc, err := os.ReadFile("../../docs/NOTIFY.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```python\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/NOTIFY.md has no ```python block")
	}
	script := filepath.Join(t.TempDir(), "roomdesk_receiver.py")
	if err := os.WriteFile(script, m[1], 0o600); err != nil {
		t.Fatal(err)
	}
	r := newRig(t, db.SQLite)
	s := r.service(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	_, secret := r.createWebhook(t, s, "http://"+addr+"/hook", notify.FormatGeneric)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, python, script, secret, port)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cancel()
	for deadline := time.Now().Add(hangGuard); ; time.Sleep(20 * time.Millisecond) { // until it listens
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the receiver never listened")
		}
	}
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionBulkFinish, JobID: "J-1", Outcome: audit.OutcomeOK, Detail: "房间 \u2028 done"}
	if err := r.store.Append(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	run(t, s)
	if a := r.await(t); !a.OK {
		t.Fatalf("the documented receiver refused a roomdesk delivery: %+v", a)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if !strings.Contains(line, "bulk.finished") || !strings.Contains(line, "Bulk job J-1 finished") {
		t.Errorf("receiver printed %q", line)
	}
	// The same signature over another body is refused.
	ts := time.Now().Unix()
	body := `{"event":"bulk.finished","summary":"forged"}`
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/hook", strings.NewReader(body))
	req.Header.Set(notify.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(notify.HeaderSignature, notify.Sign(secret, strconv.FormatInt(ts, 10), []byte(`{"event":"bulk.finished"}`)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged body: %d", res.StatusCode)
	}
}
