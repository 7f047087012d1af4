package callgate_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/roomdesk/roomdesk/internal/callgate"
)

// backend counts the calls that reach it.
type backend struct{ n atomic.Int32 }

func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.n.Add(1)
	io.WriteString(w, "applied")
}

func post(ctx context.Context, url, body string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v4/live_engine_http_srv/update_room_info", strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestGate(t *testing.T) {
	be := &backend{}
	g := callgate.New(be)
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	t.Cleanup(g.Close)
	g.Hold(func(c callgate.Call) bool { return c.RoomID != "free" })

	type answer struct {
		body string
		err  error
	}
	call := func(ctx context.Context, body string) chan answer {
		ch := make(chan answer, 1)
		go func() { b, err := post(ctx, srv.URL, body); ch <- answer{b, err} }()
		return ch
	}

	if b, err := post(context.Background(), srv.URL, `{"RoomId":"free"}`); err != nil || b != "applied" {
		t.Fatalf("unheld call: %q %v", b, err)
	}
	fwd := call(context.Background(), `{"RoomInfo":{"RoomId":"r1"}}`)
	h := <-g.Held()
	if h.Command != "update_room_info" || h.RoomID != "r1" || be.n.Load() != 1 {
		t.Fatalf("held %+v, backend saw %d", h.Call, be.n.Load())
	}
	h.Forward()
	if a := <-fwd; a.err != nil || a.body != "applied" || be.n.Load() != 2 {
		t.Fatalf("forwarded: %+v, backend saw %d", a, be.n.Load())
	}

	dropped := call(context.Background(), `{"RoomId":"r2"}`)
	(<-g.Held()).Drop()
	if a := <-dropped; a.err == nil || be.n.Load() != 2 {
		t.Fatalf("dropped: %+v, backend saw %d", a, be.n.Load())
	}

	ctx, cancel := context.WithCancel(context.Background())
	cut := call(ctx, `{"RoomId":"r3"}`)
	h = <-g.Held()
	cancel()
	<-h.Done()
	if a := <-cut; a.err == nil || be.n.Load() != 2 {
		t.Fatalf("cancelled: %+v, backend saw %d", a, be.n.Load())
	}

	open := call(context.Background(), `{"RoomId":"r4"}`)
	<-g.Held()
	g.Open()
	if a := <-open; a.err != nil || be.n.Load() != 3 {
		t.Fatalf("opened: %+v, backend saw %d", a, be.n.Load())
	}
	if b, err := post(context.Background(), srv.URL, `{"RoomId":"r5"}`); err != nil || b != "applied" {
		t.Fatalf("after Open: %q %v", b, err)
	}
}
