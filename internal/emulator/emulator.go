// Package emulator is an in-memory stand-in for Tencent's TUILiveKit
// live_engine_http_srv REST API, written from docs/tencent-live-api.md alone.
// It never imports internal/tencent: the client and the emulator are two
// independent readings of the docs, and tests that hold one against the
// other are what ties them.
package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Commands of live_engine_http_srv that the emulator implements.
const (
	CmdGetRoomInfo    = "get_room_info"
	CmdGetRoomList    = "get_room_list"
	CmdUpdateRoomInfo = "update_room_info"
	CmdCreateRoom     = "create_room"
	CmdDestroyRoom    = "destroy_room"
)

// APIPrefix is the path every command lives under.
const APIPrefix = "/v4/live_engine_http_srv/"

// DefaultAdmin is the App Admin identifier used when Config.Admin is empty.
const DefaultAdmin = "administrator"

// maxBody bounds what we read; Tencent documents no limit, but nothing this
// API accepts comes close to 1 MiB.
const maxBody = 1 << 20

// Config configures an Emulator. The zero value of every field but SDKAppID
// and SecretKey is usable.
type Config struct {
	SDKAppID  int
	SecretKey string
	Admin     string         // the App Admin identifier; default "administrator"
	Seed      bool           // start with ~60 deterministic demo rooms
	Quotas    map[string]int // per-command requests per second; ≤0 disables the limit for that command
	Now       func() time.Time
	// After is the timer behind SetLatency; default time.After. Tests pass
	// one they fire themselves, so latency is seen as an event, not timed.
	After   func(time.Duration) <-chan time.Time
	Control bool // serve the /_emulator/ control API (out-of-process tests, `roomdesk emulator`)
	// OnChange, if set, is called after every change to the rooms (API
	// calls that apply, PutRoom, DeleteRoom, Reset), outside any lock.
	// Demo mode uses it to keep the rooms in the data dir. It must not block.
	OnChange func()
}

// defaultQuotas are the documented per-API limits (200 qps, get_room_list 10).
var defaultQuotas = map[string]int{
	CmdGetRoomInfo:    200,
	CmdGetRoomList:    10,
	CmdUpdateRoomInfo: 200,
	CmdCreateRoom:     200,
	CmdDestroyRoom:    200,
}

// Emulator is an http.Handler answering like Tencent's live REST API. All
// methods are safe for concurrent use.
type Emulator struct {
	cfg    Config
	quotas map[string]int

	mu       sync.Mutex
	rooms    map[string]Room
	updates  map[string]int // applied update_room_info per room
	calls    map[string]int
	bodies   map[string][][]byte
	faults   map[string][]fault
	latency  time.Duration
	requests map[string][]time.Time // admitted request times per command, for quotas
}

// New returns an Emulator for cfg; with cfg.Seed it holds the demo rooms.
func New(cfg Config) *Emulator {
	if cfg.Admin == "" {
		cfg.Admin = DefaultAdmin
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	quotas := make(map[string]int, len(defaultQuotas))
	for cmd, q := range defaultQuotas {
		quotas[cmd] = q
	}
	for cmd, q := range cfg.Quotas {
		quotas[cmd] = q
	}
	e := &Emulator{cfg: cfg, quotas: quotas}
	e.reset()
	return e
}

// Reset returns the emulator to its state right after New: the seed rooms
// (CreateTime relative to the current Now), no faults, no latency, zero
// counters and empty quota windows.
func (e *Emulator) Reset() {
	e.reset()
	e.changed()
}

func (e *Emulator) reset() {
	rooms := make(map[string]Room)
	if e.cfg.Seed {
		for _, r := range seedRooms(e.cfg.Now()) {
			rooms[r.RoomID] = r
		}
	}
	e.mu.Lock()
	e.rooms = rooms
	e.updates = make(map[string]int)
	e.calls = make(map[string]int)
	e.bodies = make(map[string][][]byte)
	e.faults = make(map[string][]fault)
	e.latency = 0
	e.requests = make(map[string][]time.Time)
	e.mu.Unlock()
}

// envelope is every answer: the 4 common fields, plus Response on success
// for the commands that return data.
type envelope struct {
	ActionStatus string `json:"ActionStatus"`
	ErrorCode    int    `json:"ErrorCode"`
	ErrorInfo    string `json:"ErrorInfo"`
	RequestID    string `json:"RequestId"`
	Response     any    `json:"Response,omitempty"`
}

// ServeHTTP answers one REST call. The order of the steps matters and is
// what tests rely on: admission (method, path, query, UserSig, quota) first;
// only admitted calls are counted and recorded; then the configured latency;
// then injected faults; then the command itself.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.cfg.Control && strings.HasPrefix(r.URL.Path, controlPrefix) {
		e.serveControl(w, r)
		return
	}
	reqID := newRequestID()
	command, identifier, aerr := e.admit(r)
	var body []byte
	if aerr == nil {
		body, aerr = readBody(r)
		e.record(command, body)
	}
	if !e.wait(r) {
		return // the client gave up; nothing was applied, nobody to answer
	}
	if aerr != nil {
		writeAnswer(w, reqID, nil, aerr)
		return
	}
	f := e.takeFault(command)
	switch f.kind {
	case faultFail:
		writeAnswer(w, reqID, nil, fail(f.code, ""))
		return
	case faultDrop:
		drop(w)
		return
	}
	resp, aerr := e.handle(command, identifier, body)
	if f.kind == faultDropAfterApply {
		drop(w)
		return
	}
	writeAnswer(w, reqID, resp, aerr)
}

// handle runs command on an admitted body.
func (e *Emulator) handle(command, identifier string, body []byte) (any, *apiError) {
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil || req == nil {
		return nil, fail(codeBadJSON, "")
	}
	switch command {
	case CmdGetRoomInfo:
		return e.getRoomInfo(req)
	case CmdGetRoomList:
		return e.getRoomList(req)
	case CmdUpdateRoomInfo:
		return nil, e.applied(e.updateRoomInfo(req))
	case CmdCreateRoom:
		return nil, e.applied(e.createRoom(req, identifier))
	case CmdDestroyRoom:
		return nil, e.applied(e.destroyRoom(req))
	}
	return nil, fail(codeBadResource, "") // unreachable: admit checked the command
}

// applied reports a successful write to OnChange and passes aerr on.
func (e *Emulator) applied(aerr *apiError) *apiError {
	if aerr == nil {
		e.changed()
	}
	return aerr
}

func readBody(r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return body, fail(codeBadJSON, "cannot read body")
	}
	return body, nil
}

// wait applies the injected latency. It reports false when the request's
// context ended first: a caller that gave up frees the handler at once
// instead of holding it (and, under Serve, a shutdown) for the whole delay.
func (e *Emulator) wait(r *http.Request) bool {
	e.mu.Lock()
	d := e.latency
	e.mu.Unlock()
	if r.Context().Err() != nil {
		return false
	}
	if d <= 0 {
		return true
	}
	select {
	case <-e.cfg.After(d):
		return r.Context().Err() == nil
	case <-r.Context().Done():
		return false
	}
}

// writeAnswer always uses HTTP 200: Tencent reports errors in ActionStatus,
// never in the status line.
func writeAnswer(w http.ResponseWriter, reqID string, resp any, aerr *apiError) {
	env := envelope{ActionStatus: "OK", RequestID: reqID, Response: resp}
	if aerr != nil {
		env = envelope{ActionStatus: "FAIL", ErrorCode: aerr.Code, ErrorInfo: aerr.Info, RequestID: reqID}
	}
	b, err := json.Marshal(env)
	if err != nil { // only our own types are marshalled; cannot happen
		b = []byte(`{"ActionStatus":"FAIL","ErrorCode":100001,"ErrorInfo":"internal error","RequestId":"` + reqID + `"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// drop closes the connection without an answer, as a lost response does.
// Hijacking is how an HTTP/1 server says nothing at all; where the writer
// cannot be hijacked (HTTP/2, recorders), ErrAbortHandler makes net/http
// abort the stream instead.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// newRequestID returns an id in the shape of Tencent's ("Id-" and 32 hex).
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥1.24)
	return "Id-" + hex.EncodeToString(b[:])
}

// NewSecretKey returns a random 64-hex-character SecretKey for demo mode,
// where no real Tencent key exists.
func NewSecretKey() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
