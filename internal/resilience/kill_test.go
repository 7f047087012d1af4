package resilience

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/audit/sqlstore"
	"github.com/roomdesk/roomdesk/internal/db"
	"github.com/roomdesk/roomdesk/internal/emulator"
	"github.com/roomdesk/roomdesk/internal/rooms"
)

const killSDKAppID = 1400000077

// TestKilledBetweenIntentAndResult runs the real binary against an
// emulator that takes 5 s to answer, kills it with SIGKILL once the update
// has reached the emulator (so the intent is on disk and the result cannot
// be), restarts it on the same data dir, and checks that the intent reads
// "outcome unknown" on its audit page and in the store, and that the chain
// still verifies.
func TestKilledBetweenIntentAndResult(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped in -short")
	}
	t.Parallel()
	bin := BuildBinary(t)
	key := emulator.NewSecretKey()
	emu := emulator.New(emulator.Config{SDKAppID: killSDKAppID, SecretKey: key})
	emu.PutRoom(LoadRoom("killed_1"))
	// update_room_info alone takes 5 s (SetLatency would slow the re-read
	// before it too); a call whose client goes away meanwhile is dropped
	// unapplied, as the emulator does for its own latency.
	var arrived atomic.Int32
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/"+emulator.CmdUpdateRoomInfo) {
			arrived.Add(1)
			select {
			case <-r.Context().Done():
				return
			case <-time.After(5 * time.Second):
			}
		}
		emu.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: slow}
	ln := listen(t)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(keyFile, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	env := []string{
		"ROOMDESK_DATA_DIR=" + data, "ROOMDESK_ADDR=127.0.0.1:0",
		"ROOMDESK_SDKAPPID=" + strconv.Itoa(killSDKAppID), "ROOMDESK_SECRET_KEY_FILE=" + keyFile,
		"ROOMDESK_TENCENT_ENDPOINT=http://" + ln.Addr().String(),
		"ROOMDESK_ADMIN_PASSWORD=" + killPassword, "ROOMDESK_SECURE_COOKIES=never",
		"ROOMDESK_REQUIRE_MFA=none", // signs in with a password alone
	}

	first := StartServe(t, bin, env)
	op, err := Login(t.Context(), first.URL, "admin", killPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	room, err := RoomInfo(emu, "killed_1")
	if err != nil {
		t.Fatal(err)
	}
	// An unchanged form sends nothing; it checks the edit route answers at all.
	if status, _, err := op.Do(t.Context(), http.MethodPost, "/rooms/killed_1", EditForm(room, nil)); err != nil {
		t.Fatal(err)
	} else if status == http.StatusNotImplemented {
		t.Fatal("POST /rooms/{id} answered 501 Not Implemented")
	}
	posted := make(chan struct{})
	go func() {
		defer close(posted)
		// The answer never comes: the process dies under it.
		op.Do(context.Background(), http.MethodPost, "/rooms/killed_1",
			EditForm(room, map[string]string{rooms.FieldRoomName: "never answered"}))
	}()
	deadline := time.Now().Add(10 * time.Second)
	for arrived.Load() == 0 {
		if time.Now().After(deadline) {
			first.Kill()
			<-posted
			t.Fatalf("the update never reached the emulator; server output:\n%s", first.Output())
		}
		time.Sleep(10 * time.Millisecond) // polls a condition; orders nothing
	}
	first.Kill()
	<-posted

	second := StartServe(t, bin, env)
	op, err = Login(t.Context(), second.URL, "admin", killPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	status, body, err := op.Do(t.Context(), http.MethodGet, "/audit?room=killed_1", nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET /audit: HTTP %d, %v", status, err)
	}
	if !strings.Contains(body, `data-outcome="unknown"`) {
		t.Errorf("the audit page does not show the killed edit as outcome unknown:\n%.3000s", body)
	}
	second.Stop(t)

	d, err := db.Open(t.Context(), db.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	store := sqlstore.New(d)
	recs := records(t, store, "killed_1")
	if len(recs) != 1 || recs[0].Result != nil || recs[0].Outcome() != audit.OutcomeUnknown {
		t.Fatalf("records = %+v; want one intent without a result, outcome unknown", recs)
	}
	verify(t, store)
	if n := emu.UpdateCount("killed_1"); n != 0 {
		t.Errorf("the emulator applied %d updates; the call died in its latency and must not apply", n)
	}
}

const killPassword = "resilience kill password"

// Serve is a `roomdesk serve` child process.
type Serve struct {
	URL   string
	cmd   *exec.Cmd
	mu    sync.Mutex
	out   strings.Builder
	exite chan struct{}
}

var readyRE = regexp.MustCompile(`ready at (http://\S+)`)

// BuildBinary builds roomdesk once per test binary into a temp dir.
func BuildBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "roomdesk-resilience-")
		if err != nil {
			buildErr = err
			return
		}
		buildBin = filepath.Join(dir, "roomdesk")
		cmd := exec.Command("go", "build", "-o", buildBin, "github.com/roomdesk/roomdesk")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// StartServe runs `bin serve` with env and waits until it says it is ready.
func StartServe(t *testing.T, bin string, env []string) *Serve {
	t.Helper()
	s := &Serve{cmd: exec.Command(bin, "serve"), exite: make(chan struct{})}
	s.cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	s.cmd.Stdout, s.cmd.Stderr = pw, pw
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); pw.Close(); close(s.exite) }()
	t.Cleanup(s.Kill)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.mu.Lock()
			s.out.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := readyRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case ready <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case s.URL = <-ready:
	case <-s.exite:
		t.Fatalf("roomdesk serve exited before ready:\n%s", s.Output())
	case <-time.After(30 * time.Second):
		s.Kill()
		t.Fatalf("roomdesk serve not ready after 30 s:\n%s", s.Output())
	}
	return s
}

// Output is what the process printed so far.
func (s *Serve) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// Kill sends SIGKILL and waits for the process to be gone.
func (s *Serve) Kill() {
	s.cmd.Process.Kill()
	<-s.exite
}

// Stop asks the process to shut down gracefully.
func (s *Serve) Stop(t *testing.T) {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exite:
	case <-time.After(10 * time.Second):
		t.Errorf("roomdesk serve did not stop within 10 s of SIGINT")
		s.Kill()
	}
}

func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
