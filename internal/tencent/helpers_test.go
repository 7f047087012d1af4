package tencent

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

const (
	testAppID = 1400000001
	testKey   = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
	testAdmin = "administrator"
)

// seen is one request as the fake server received it.
type seen struct {
	method, path string
	query        url.Values
	header       http.Header
	body         []byte
}

// reply is what the fake answers; status 0 means 200. drop hijacks the
// connection and closes it without answering; hang answers nothing until the
// client gives up.
type reply struct {
	status int
	body   string
	drop   bool
	hang   bool
}

// fake is a Tencent stand-in whose answers the test scripts per request.
type fake struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []seen
	forget bool                      // benchmarks: do not keep requests
	answer func(n int, r seen) reply // n counts from 0
	clock  *fakeClock                // every client() of this fake runs on it
}

func newFake(t testing.TB, answer func(n int, r seen) reply) *fake {
	t.Helper()
	f := &fake{answer: answer, clock: &fakeClock{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s := seen{method: r.Method, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: body}
	f.mu.Lock()
	n := len(f.reqs)
	if !f.forget {
		f.reqs = append(f.reqs, s)
	}
	f.mu.Unlock()
	rep := f.answer(n, s)
	if rep.hang {
		<-r.Context().Done()
		return
	}
	if rep.drop {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (f *fake) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

// client builds a Client against the fake with pacing off unless the test
// sets Rates itself.
func (f *fake) client(t testing.TB, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		SDKAppID:  testAppID,
		SecretKey: testKey,
		Endpoint:  f.srv.URL,
		Rates:     unpaced(),
	}
	f.clock.use(&cfg)
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func unpaced() map[string]float64 {
	inf := math.Inf(1)
	return map[string]float64{
		CmdGetRoomInfo: inf, CmdGetRoomList: inf, CmdUpdateRoomInfo: inf,
		CmdCreateRoom: inf, CmdDestroyRoom: inf,
	}
}

func okBody(response string) string {
	if response == "" {
		return `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"RequestId":"Id-ok"}`
	}
	return `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"RequestId":"Id-ok","Response":` + response + `}`
}

func failBody(code int) string {
	return fmt.Sprintf(`{"ActionStatus":"FAIL","ErrorInfo":"info %d","ErrorCode":%d,"RequestId":"Id-%d"}`, code, code, code)
}

// script answers the n-th request with replies[n], repeating the last one.
func script(replies ...reply) func(int, seen) reply {
	return func(n int, _ seen) reply {
		return replies[min(n, len(replies)-1)]
	}
}

func ok() reply                 { return reply{body: okBody("")} }
func fail(code int) reply       { return reply{body: failBody(code)} }
func status(code int) reply     { return reply{status: code, body: "<html>bad gateway</html>"} }
func garbled(body string) reply { return reply{body: body} }

const sampleRoomInfo = `{"RoomInfo":{"RoomId":"rid-123","RoomName":"rname-123","RoomType":"Live",
 "Owner_Account":144115233775727695,"CreateTime":1693271354,"IsSeatEnabled":true,
 "TakeSeatMode":"ApplyToTake","MaxSeatCount":8,"MaxMemberCount":300,"IsMessageDisabled":false,
 "CoverURL":"https://xxxx.png","Category":[1,2,3],"ActivityStatus":1,"ViewCount":10,"IsPublicVisible":true}}`

const sampleRoomList = `{"Next":"1693271355-123123123123","RoomList":[
 {"RoomName":"a","RoomId":"r1","Owner_Account":"u1","CoverURL":"https://c/1.png","Category":[1],"CreateTime":1693271354,"ActivityStatus":0,"ViewCount":99},
 {"RoomName":"b","RoomId":"r2","Owner_Account":42,"CoverURL":"","Category":[],"CreateTime":1693271355,"ActivityStatus":2,"ViewCount":7}]}`

// fakeClock is Config.Now and Config.After for tests: it reads the real
// clock plus an offset, and every After(d) moves the offset on by d and
// fires at once. Backoff and pacing then take no real time, while context
// deadlines (which run on the real clock) keep their meaning.
type fakeClock struct {
	mu     sync.Mutex
	offset time.Duration
	sleeps []time.Duration
	waited chan time.Duration // optional: After reports here and never fires
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return time.Now().Add(f.offset)
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	if f.waited != nil {
		f.waited <- d
		return nil // a nil channel never fires: only the context can end the wait
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.offset += d
	f.sleeps = append(f.sleeps, d)
	ch := make(chan time.Time, 1)
	ch <- time.Now().Add(f.offset)
	return ch
}

func (f *fakeClock) slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// use installs the clock in a Config.
func (f *fakeClock) use(c *Config) { c.Now, c.After = f.Now, f.After }
