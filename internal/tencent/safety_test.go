package tencent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestNetworkErrorsAreRedacted(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) (endpoint string, cfg func(*Config))
	}{
		{"connection refused", func(t *testing.T) (string, func(*Config)) {
			f := newFake(t, script(ok()))
			f.srv.Close()
			return f.srv.URL, nil
		}},
		{"connection dropped", func(t *testing.T) (string, func(*Config)) {
			return newFake(t, script(reply{drop: true})).srv.URL, nil
		}},
		{"attempt timeout", func(t *testing.T) (string, func(*Config)) {
			return newFake(t, script(reply{hang: true})).srv.URL,
				func(c *Config) { c.AttemptTimeout = 30 * time.Millisecond }
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			endpoint, mod := tc.setup(t)
			cfg := Config{SDKAppID: testAppID, SecretKey: testKey, Endpoint: endpoint, MaxAttempts: 2, Rates: unpaced()}
			if mod != nil {
				mod(&cfg)
			}
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.UpdateRoomInfo(t.Context(), RoomUpdate{RoomId: "r1", RoomName: ptr("x")})
			if !errors.Is(err, ErrUnreachable) {
				t.Fatalf("err %v, want ErrUnreachable", err)
			}
			sig, _ := c.sigs.get()
			assertClean(t, err.Error(), sig)
			assertClean(t, fmt.Sprintf("%+v %#v", err, err), sig)
			var ue *url.Error
			if !errors.As(err, &ue) {
				t.Fatalf("no *url.Error in %v", err)
			}
			if !strings.Contains(ue.URL, "usersig=REDACTED") || strings.Contains(ue.URL, sig) {
				t.Errorf("url.Error URL %q is not redacted", ue.URL)
			}
			for e := error(ue); e != nil; e = errors.Unwrap(e) {
				assertClean(t, e.Error(), sig)
			}
		})
	}
}

func assertClean(t *testing.T, text, sig string) {
	t.Helper()
	if sig == "" {
		t.Fatal("no sig to look for")
	}
	if strings.Contains(text, sig) || strings.Contains(text, testKey) {
		t.Errorf("text leaks a secret: %s", text)
	}
}

func TestRedactLeafError(t *testing.T) {
	c := &Client{secret: testKey}
	inner := errors.New("weird: usersig=SIG123 key=" + testKey)
	err := c.redact(&url.Error{Op: "Post", URL: "http://h/p?usersig=SIG123", Err: inner}, "SIG123")
	if strings.Contains(err.Error(), "SIG123") || strings.Contains(err.Error(), testKey) {
		t.Errorf("leaked: %v", err)
	}
	if errors.Is(err, inner) {
		t.Error("the secret-bearing inner error is still reachable with errors.Is")
	}
}

func TestSecretsNotPrinted(t *testing.T) {
	cfg := Config{SDKAppID: testAppID, SecretKey: testKey, Region: "tokyo"}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("cfg", "config", cfg, "client", c)
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		fmt.Sprintf("%v %+v %#v", c, c, c), logs.String()} {
		if strings.Contains(s, testKey) {
			t.Errorf("printed the key: %s", s)
		}
	}
}

func TestPacingRefusesPastDeadline(t *testing.T) {
	f := newFake(t, script(reply{body: okBody(sampleRoomInfo)}))
	c := f.client(t, func(c *Config) { c.Rates = map[string]float64{CmdGetRoomInfo: 0.001} })
	var refused int
	for range 5 {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		_, meta, err := c.GetRoomInfo(ctx, "r1")
		cancel()
		if err != nil {
			refused++
			if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnreachable) || meta.Attempts != 0 {
				t.Errorf("refusal: err %v, attempts %d", err, meta.Attempts)
			}
		}
	}
	if got := len(f.requests()); got != 1 || refused != 4 {
		t.Errorf("%d requests reached the server and %d were refused, want 1 and 4", got, refused)
	}
	if got, want := c.PaceStats(CmdGetRoomInfo), (PaceStats{Slots: 1, Refused: 4}); got != want {
		t.Errorf("PaceStats %+v, want %+v", got, want)
	}
	// Another command has its own budget.
	if _, err := c.DestroyRoom(t.Context(), "r1"); err != nil {
		t.Errorf("destroy_room was held back by get_room_info's pacing: %v", err)
	}
}

func TestPacingWaitsForSlot(t *testing.T) {
	f := newFake(t, script(ok()))
	c := f.client(t, func(c *Config) { c.Rates = map[string]float64{CmdDestroyRoom: 5} })
	for range 3 {
		if _, err := c.DestroyRoom(t.Context(), "r1"); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := c.PaceStats(CmdDestroyRoom), (PaceStats{Slots: 3, Waited: 2}); got != want {
		t.Errorf("PaceStats %+v, want %+v", got, want)
	}
}

func TestPacingCancelWhileWaiting(t *testing.T) {
	f := newFake(t, script(ok()))
	c := f.client(t, func(c *Config) { c.Rates = map[string]float64{CmdDestroyRoom: 0.01} })
	if _, err := c.DestroyRoom(t.Context(), "r1"); err != nil {
		t.Fatal(err)
	}
	// From now on the pacing timer never fires: only the caller can end
	// the wait, and it does so once the wait has started.
	waited := make(chan time.Duration)
	f.clock.waited = waited
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-waited; cancel() }()
	_, err := c.DestroyRoom(ctx, "r1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if got := c.PaceStats(CmdDestroyRoom); got.Refused != 1 || got.Slots != 1 {
		t.Errorf("PaceStats %+v", got)
	}
}

func TestEveryAttemptTakesASlot(t *testing.T) {
	f := newFake(t, script(fail(100001), fail(70001), ok()))
	c := f.client(t, nil)
	if _, err := c.DestroyRoom(t.Context(), "r1"); err != nil {
		t.Fatal(err)
	}
	if got := c.PaceStats(CmdDestroyRoom).Slots; got != 3 {
		t.Errorf("%d slots for 3 attempts", got)
	}
}

// TestDefaultRatesStayUnderQuota replays callers that ask every
// millisecond against each default limiter on a synthetic clock, each
// reserving its slot and leaving at it (as pacer.wait does), and counts
// what one-second window lets through: no wall time involved.
func TestDefaultRatesStayUnderQuota(t *testing.T) {
	pacers, err := newPacers(nil)
	if err != nil {
		t.Fatal(err)
	}
	quota := map[string]int{CmdGetRoomInfo: 200, CmdUpdateRoomInfo: 200, CmdCreateRoom: 200,
		CmdDestroyRoom: 200, CmdGetRoomList: 10}
	start := time.Unix(1_700_000_000, 0)
	for cmd, q := range quota {
		lim := rate.NewLimiter(pacers[cmd].lim.Limit(), pacers[cmd].lim.Burst())
		var allowed []time.Time
		for ms := range 5000 {
			at := start.Add(time.Duration(ms) * time.Millisecond)
			if r := lim.ReserveN(at, 1); r.OK() {
				allowed = append(allowed, at.Add(r.DelayFrom(at)))
			}
		}
		worst := 0
		for i := range allowed {
			n := 0
			for j := i; j < len(allowed) && allowed[j].Sub(allowed[i]) < time.Second; j++ {
				n++
			}
			worst = max(worst, n)
		}
		if worst > q || worst < q*9/10 {
			t.Errorf("%s: %d requests in the busiest second, quota %d", cmd, worst, q)
		}
	}
}
