package emulator

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

const (
	testAppID = 1400000001
	testKey   = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
	testAdmin = "administrator"
)

// answer is the common envelope as a client sees it.
type answer struct {
	ActionStatus string
	ErrorCode    int
	ErrorInfo    string
	RequestID    string `json:"RequestId"`
	Response     json.RawMessage
}

// clock is a settable Config.Now for quota and expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newServer(t *testing.T, cfg Config) (*Emulator, *httptest.Server) {
	t.Helper()
	if cfg.SDKAppID == 0 {
		cfg.SDKAppID = testAppID
	}
	if cfg.SecretKey == "" {
		cfg.SecretKey = testKey
	}
	e := New(cfg)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv
}

// sig signs like a real client would, with the library the docs name.
func sig(t *testing.T, appID int, key, identifier string, expire int) string {
	t.Helper()
	s, err := tencentyun.GenUserSig(appID, key, identifier, expire)
	if err != nil {
		t.Fatalf("GenUserSig: %v", err)
	}
	return s
}

// rawSig encodes payload the way TLS sig v2 does, so tests can build sigs
// the library would never produce.
func rawSig(t *testing.T, payload []byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(payload); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	s := base64.StdEncoding.EncodeToString(buf.Bytes())
	return strings.NewReplacer("+", "*", "/", "-", "=", "_").Replace(s)
}

func goodQuery(t *testing.T) url.Values {
	t.Helper()
	return url.Values{
		"sdkappid":    {"1400000001"},
		"identifier":  {testAdmin},
		"usersig":     {sig(t, testAppID, testKey, testAdmin, 86400)},
		"random":      {"123456789"},
		"contenttype": {"json"},
	}
}

func commandURL(srv *httptest.Server, command string, q url.Values) string {
	return srv.URL + APIPrefix + command + "?" + q.Encode()
}

// doRaw sends one request and decodes the envelope; it fails the test on
// transport errors or a non-200 status, which Tencent never sends.
func doRaw(t *testing.T, method, u, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP status %d, want 200; body %s", resp.StatusCode, b)
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, b)
	}
	return a
}

// call is an authenticated POST of command with body.
func call(t *testing.T, srv *httptest.Server, command, body string) answer {
	t.Helper()
	return doRaw(t, http.MethodPost, commandURL(srv, command, goodQuery(t)), body)
}

func wantCode(t *testing.T, a answer, code int) {
	t.Helper()
	status := "OK"
	if code != 0 {
		status = "FAIL"
	}
	if a.ErrorCode != code || a.ActionStatus != status {
		t.Fatalf("got %s %d (%q), want %s %d", a.ActionStatus, a.ErrorCode, a.ErrorInfo, status, code)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// baseRoom is a known room for validation tests.
func baseRoom() Room {
	return Room{
		RoomID: "room-1", RoomName: "Base", RoomType: RoomTypeLive, OwnerAccount: "host_1",
		CreateTime: 1700000000, IsSeatEnabled: true, TakeSeatMode: SeatFreeToTake, MaxSeatCount: 8,
		MaxMemberCount: 300, CoverURL: "https://example.com/c.png", Category: []int{1},
		ActivityStatus: 1, ViewCount: 10, IsPublicVisible: true, Notice: "hi",
	}
}
