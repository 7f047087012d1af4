package emulator

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func control(t *testing.T, method, u string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("control answer %q: %v", b, err)
	}
	return resp.StatusCode, m
}

func TestControlAPI(t *testing.T) {
	tm := newTimers()
	e, srv := newServer(t, Config{Seed: true, Control: true, After: tm.After})
	c := srv.URL + controlPrefix
	steps := []struct {
		method, path string
		status       int
	}{
		{http.MethodPost, "fail?command=get_room_info&n=1&code=100001", 200},
		{http.MethodPost, "drop?command=update_room_info&n=1", 200},
		{http.MethodPost, "drop?command=update_room_info&n=1&apply=1", 200},
		{http.MethodPost, "latency?ms=0", 200},
		{http.MethodPost, "fail?command=nope&n=1&code=1", 400},
		{http.MethodPost, "fail?command=get_room_info&n=0&code=1", 400},
		{http.MethodPost, "latency?ms=-1", 400},
		{http.MethodGet, "reset", 405},
		{http.MethodPost, "whatever", 404},
		{http.MethodGet, "room?id=nope", 404},
	}
	for _, s := range steps {
		if status, m := control(t, s.method, c+s.path); status != s.status {
			t.Errorf("%s %s: status %d (%v), want %d", s.method, s.path, status, m, s.status)
		}
	}
	wantCode(t, call(t, srv, CmdGetRoomInfo, `{"RoomId":"live_1001"}`), 100001)
	if _, m := control(t, http.MethodGet, c+"calls?command=get_room_info"); m["calls"] != 1.0 {
		t.Errorf("calls = %v", m)
	}
	upd := `{"RoomInfo":{"RoomId":"live_1001","RoomName":"Via control"}}`
	for range 2 {
		if _, err := post(t, srv.Client(), commandURL(srv, CmdUpdateRoomInfo, goodQuery(t)), upd); err == nil {
			t.Error("update answered, want a drop")
		}
	}
	if _, m := control(t, http.MethodGet, c+"room?id=live_1001"); m["updates"] != 1.0 || m["room"].(map[string]any)["RoomName"] != "Via control" {
		t.Errorf("room = %v, want applied once (drop, then drop-after-apply)", m)
	}
	control(t, http.MethodPost, c+"reset")
	if e.Calls(CmdGetRoomInfo) != 0 || e.UpdateCount("live_1001") != 0 {
		t.Error("reset did not clear the counters")
	}
	control(t, http.MethodPost, c+"latency?ms=150")
	answers := make(chan answer, 1)
	go func() { answers <- call(t, srv, CmdGetRoomInfo, `{"RoomId":"live_1001"}`) }()
	if d := <-tm.asked; d != 150*time.Millisecond {
		t.Errorf("control latency: a %v wait, want 150ms", d)
	}
	tm.fire <- time.Now()
	wantCode(t, <-answers, 0)
}

func TestControlDisabled(t *testing.T) {
	e, srv := newServer(t, Config{})
	a := doRaw(t, http.MethodPost, srv.URL+controlPrefix+"fail?command=get_room_info&n=1&code=1", "")
	wantCode(t, a, 60009) // without Control the path is just an unknown resource
	wantCode(t, call(t, srv, CmdGetRoomInfo, `{"RoomId":"x"}`), 100004)
	if e.Calls(CmdGetRoomInfo) != 1 {
		t.Error("control call had an effect")
	}
}

func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := New(Config{SDKAppID: testAppID, SecretKey: testKey, Seed: true})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, e, slog.New(slog.DiscardHandler)) }()
	q := goodQuery(t)
	a := doRaw(t, http.MethodPost, "http://"+ln.Addr().String()+APIPrefix+CmdGetRoomInfo+"?"+q.Encode(), `{"RoomId":"live_1001"}`)
	wantCode(t, a, 0)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

func TestListenAndServeBadAddr(t *testing.T) {
	if err := ListenAndServe(context.Background(), "256.0.0.1:bad", Config{}, nil); err == nil {
		t.Error("want a listen error")
	}
}

func TestNewSecretKey(t *testing.T) {
	a, b := NewSecretKey(), NewSecretKey()
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(a) || a == b {
		t.Errorf("NewSecretKey: %q, %q", a, b)
	}
}

func TestControlAPIPutsARoom(t *testing.T) {
	e := New(Config{Seed: true})
	srv := httptest.NewServer(e.ControlHandler())
	t.Cleanup(srv.Close)
	put := func(body string) int {
		req, _ := http.NewRequest(http.MethodPut, srv.URL+controlPrefix+"room", strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	room, _ := e.Room("live_1001")
	room.RoomName, room.Notice = "Changed from outside", "by the backend"
	b, _ := json.Marshal(room)
	if status := put(string(b)); status != http.StatusOK {
		t.Fatalf("PUT room: %d", status)
	}
	if got, _ := e.Room("live_1001"); got.RoomName != "Changed from outside" || got.Notice != "by the backend" {
		t.Errorf("room after PUT: %+v", got)
	}
	for _, bad := range []string{`{`, `{"RoomName":"no id"}`} {
		if status := put(bad); status != http.StatusBadRequest {
			t.Errorf("PUT %s: %d, want 400", bad, status)
		}
	}
	if status, m := control(t, http.MethodGet, srv.URL+controlPrefix+"room?id=live_1001"); status != 200 || m["room"].(map[string]any)["RoomName"] != "Changed from outside" {
		t.Errorf("GET room: %d %v", status, m)
	}
	if resp, err := http.Get(srv.URL + "/v4/live_engine_http_srv/get_room_info"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("the control handler serves the live API: %v %v", resp, err)
	}
}
