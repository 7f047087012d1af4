// Package callgate lets a test stand at Tencent's door: a Gate is an
// http.Handler in front of the emulator that holds chosen calls, tells the
// test each one is in flight, and lets the test decide its fate (forward it
// to the emulator, or drop it unapplied). Tests use it to reach a state
// (calls in flight, a runner stopping, a request cancelled) by events, never
// by sleeping and hoping.
package callgate

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path"
	"sync"
)

// Call is what the gate knows of a call when it arrives.
type Call struct {
	Command string // the last path element, e.g. "update_room_info"
	RoomID  string // RoomId or RoomInfo.RoomId of the body, if any
}

// Held is a call waiting at the gate. Exactly one of Forward and Drop takes
// effect; a held call whose client gives up first just ends, unanswered and
// unapplied.
type Held struct {
	Call
	fate chan bool
	done chan struct{}
}

// Forward lets the call through to the emulator.
func (h *Held) Forward() { h.decide(true) }

// Drop closes the connection without applying the call: the client sees
// no answer.
func (h *Held) Drop() { h.decide(false) }

func (h *Held) decide(forward bool) {
	select {
	case h.fate <- forward:
	default: // already decided
	}
}

// Done is closed when the held call has ended, however it ended.
func (h *Held) Done() <-chan struct{} { return h.done }

// Gate holds the calls its rule picks. The zero rule lets everything through.
type Gate struct {
	next http.Handler
	held chan *Held
	quit chan struct{}
	once sync.Once

	mu      sync.Mutex
	rule    func(Call) bool
	pending map[*Held]bool // held and not yet decided
}

// New returns a gate in front of next.
func New(next http.Handler) *Gate {
	return &Gate{next: next, held: make(chan *Held, 4096), quit: make(chan struct{}), pending: map[*Held]bool{}}
}

// Hold sets the rule: calls for which it returns true are held. It is
// called under the gate's lock in arrival order, so it may count calls.
// nil lets every later call through (calls already held stay held).
func (g *Gate) Hold(rule func(Call) bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rule = rule
}

// Open lets every held call through and every later one: Hold(nil) plus
// Forward on each call held so far, announced or not.
func (g *Gate) Open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rule = nil
	for h := range g.pending {
		h.Forward()
	}
}

// Held announces each call as it is held.
func (g *Gate) Held() <-chan *Held { return g.held }

// Close drops every held call and every call held later; for t.Cleanup, so
// nothing waits on a test that has ended.
func (g *Gate) Close() { g.once.Do(func() { close(g.quit) }) }

func (g *Gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	c := Call{Command: path.Base(r.URL.Path), RoomID: roomID(body)}
	h := &Held{Call: c, fate: make(chan bool, 1), done: make(chan struct{})}
	g.mu.Lock()
	hold := g.rule != nil && g.rule(c)
	if hold {
		g.pending[h] = true
	}
	g.mu.Unlock()
	if !hold {
		g.next.ServeHTTP(w, r)
		return
	}
	defer func() {
		g.mu.Lock()
		delete(g.pending, h)
		g.mu.Unlock()
		close(h.done)
	}()
	select {
	case g.held <- h:
	case <-g.quit:
		drop(w)
		return
	}
	select {
	case forward := <-h.fate:
		if forward {
			g.next.ServeHTTP(w, r)
			return
		}
		drop(w)
	case <-r.Context().Done(): // the client gave up
	case <-g.quit:
		drop(w)
	}
}

func roomID(body []byte) string {
	var b struct {
		RoomID   string `json:"RoomId"`
		RoomInfo struct {
			RoomID string `json:"RoomId"`
		} `json:"RoomInfo"`
	}
	_ = json.Unmarshal(body, &b)
	if b.RoomID != "" {
		return b.RoomID
	}
	return b.RoomInfo.RoomID
}

// drop closes the connection without an answer, as a lost response does.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
