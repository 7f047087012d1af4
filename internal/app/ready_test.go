package app_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// fakeClock is a settable Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Finding 5: each anonymous /readyz made a signed get_room_info against
// the customer's quota (300 requests, 300 calls). Now the Tencent answer is
// shared: one call per 10 s, however many requests, concurrent or not.
func TestReadyzSpendsAtMostOneCallPer10s(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	env := apptest.New(t, apptest.Options{Now: clock.Now})
	calls := func() int { return env.Emulator.Calls(tencent.CmdGetRoomInfo) }
	before := calls()
	burst := func(n int) {
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := http.Get(env.URL + "/readyz")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("readyz: %d", resp.StatusCode)
				}
			}()
		}
		wg.Wait()
	}
	burst(100)
	if got := calls() - before; got != 1 {
		t.Fatalf("100 concurrent /readyz made %d Tencent calls, want 1", got)
	}
	clock.Add(9 * time.Second)
	burst(50)
	if got := calls() - before; got != 1 {
		t.Fatalf("after 9 s: %d calls, want still 1", got)
	}
	clock.Add(time.Second)
	burst(50)
	if got := calls() - before; got != 2 {
		t.Fatalf("after 10 s: %d calls, want 2", got)
	}
}
