package tencent

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

func TestErrorClassesAndRetries(t *testing.T) {
	tests := []struct {
		name         string
		replies      []reply
		maxAttempts  int
		wantAttempts int
		wantCode     int  // *APIError code, 0 = none
		unreachable  bool // errors.Is ErrUnreachable
		badResponse  bool // errors.Is ErrBadResponse
	}{
		{"ok", []reply{ok()}, 0, 1, 0, false, false},
		{"not found is final", []reply{fail(100004)}, 0, 1, 100004, false, false},
		{"invalid param is final", []reply{fail(100002)}, 0, 1, 100002, false, false},
		{"wrong key is final", []reply{fail(70009)}, 0, 1, 70009, false, false},
		{"internal error retried to success", []reply{fail(100001), ok()}, 0, 2, 0, false, false},
		{"rate limit retried", []reply{fail(60007), fail(100012), ok()}, 0, 3, 0, false, false},
		{"internal 70xxx retried", []reply{fail(70500), fail(70213), ok()}, 0, 3, 0, false, false},
		{"retryable code exhausts budget", []reply{fail(100001)}, 0, 3, 100001, false, false},
		{"budget of 5", []reply{fail(60018)}, 5, 5, 60018, false, false},
		{"5xx retried to success", []reply{status(502), status(503), ok()}, 0, 3, 0, false, false},
		{"5xx exhausts budget", []reply{status(500)}, 0, 3, 0, true, false},
		{"429 retried", []reply{status(429), ok()}, 0, 2, 0, false, false},
		{"404 not retried", []reply{status(404)}, 0, 1, 0, true, false},
		{"dropped connection retried", []reply{{drop: true}, ok()}, 0, 2, 0, false, false},
		{"dropped connection exhausts budget", []reply{{drop: true}}, 0, 3, 0, true, false},
		{"html 200", []reply{garbled("<html>hi</html>")}, 0, 3, 0, true, true},
		{"truncated json", []reply{garbled(`{"ActionStatus":"OK","Err`)}, 0, 3, 0, true, true},
		{"empty object", []reply{garbled(`{}`)}, 0, 3, 0, true, true},
		{"garbled then ok", []reply{garbled(`nope`), ok()}, 0, 2, 0, false, false},
		{"FAIL without code", []reply{garbled(`{"ActionStatus":"FAIL","ErrorInfo":"x"}`)}, 0, 1, -1, false, false},
		{"OK with nonzero code", []reply{garbled(`{"ActionStatus":"OK","ErrorCode":100004}`)}, 0, 1, 100004, false, false},
		{"70001 renewed, one retry", []reply{fail(70001), ok()}, 0, 2, 0, false, false},
		{"70001 twice is final", []reply{fail(70001), fail(70001), ok()}, 0, 2, 70001, false, false},
		{"70052 renewed", []reply{fail(70052), ok()}, 0, 2, 0, false, false},
		{"70003 renewed", []reply{fail(70003), ok()}, 0, 2, 0, false, false},
		{"70005 renewed", []reply{fail(70005), fail(70005)}, 0, 2, 70005, false, false},
		{"renewal retry is outside the budget", []reply{fail(70001), fail(100001), fail(100001), ok()}, 0, 4, 0, false, false},
		{"renewal even with one attempt", []reply{fail(70001), ok()}, 1, 2, 0, false, false},
		{"one attempt means no retry", []reply{fail(100001), ok()}, 1, 1, 100001, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, script(tc.replies...))
			c := f.client(t, func(c *Config) { c.MaxAttempts = tc.maxAttempts })
			meta, err := c.UpdateRoomInfo(t.Context(), RoomUpdate{RoomId: "r1", RoomName: ptr("x")})
			if meta.Attempts != tc.wantAttempts || len(f.requests()) != tc.wantAttempts {
				t.Errorf("Meta.Attempts %d, server saw %d, want %d", meta.Attempts, len(f.requests()), tc.wantAttempts)
			}
			var ae *APIError
			gotCode := 0
			if errors.As(err, &ae) {
				gotCode = ae.Code
			}
			if gotCode != tc.wantCode {
				t.Errorf("APIError code %d, want %d (err %v)", gotCode, tc.wantCode, err)
			}
			if errors.Is(err, ErrUnreachable) != tc.unreachable || errors.Is(err, ErrBadResponse) != tc.badResponse {
				t.Errorf("err %v: unreachable %v badResponse %v", err, errors.Is(err, ErrUnreachable), errors.Is(err, ErrBadResponse))
			}
			if (err == nil) != (tc.wantCode == 0 && !tc.unreachable) {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestAPIErrorFields(t *testing.T) {
	f := newFake(t, script(fail(100004)))
	_, meta, err := f.client(t, nil).GetRoomInfo(t.Context(), "gone")
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err %T %v", err, err)
	}
	want := APIError{Command: CmdGetRoomInfo, Code: 100004, Info: "info 100004", RequestID: "Id-100004"}
	if *ae != want {
		t.Errorf("APIError %+v, want %+v", *ae, want)
	}
	if meta.ActionStatus != "FAIL" || meta.ErrorCode != 100004 || meta.ErrorInfo != "info 100004" ||
		meta.RequestID != "Id-100004" || string(meta.ResponseBody) != failBody(100004) || meta.Command != CmdGetRoomInfo {
		t.Errorf("meta %+v", meta)
	}
	if IsRetryable(err) {
		t.Error("100004 reported retryable")
	}
}

func TestRenewalSendsNewSig(t *testing.T) {
	f := newFake(t, script(fail(70001), ok()))
	c := f.client(t, nil)
	if _, err := c.DestroyRoom(t.Context(), "r1"); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	s1, s2 := reqs[0].query.Get("usersig"), reqs[1].query.Get("usersig")
	if s1 == s2 {
		t.Fatal("the retry after 70001 reused the refused UserSig")
	}
	for _, s := range []string{s1, s2} {
		if err := tencentyun.VerifyUserSig(testAppID, testKey, testAdmin, s, time.Now()); err != nil {
			t.Errorf("sig does not verify: %v", err)
		}
	}
	// Later calls keep the renewed sig.
	if _, err := c.DestroyRoom(t.Context(), "r1"); err != nil {
		t.Fatal(err)
	}
	if s3 := f.requests()[2].query.Get("usersig"); s3 != s2 {
		t.Error("the renewed sig was not cached")
	}
}

func TestSigCacheRenewsAtHalfLife(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := newSigner(testAppID, testKey, testAdmin, 24*time.Hour, clock)

	first, _ := s.get()
	born := s.born
	advance(11 * time.Hour)
	if again, _ := s.get(); again != first || s.born != born {
		t.Fatal("sig renewed before half its lifetime")
	}
	advance(2 * time.Hour)
	if _, err := s.get(); err != nil || !s.born.After(born) {
		t.Fatalf("sig not renewed after half its lifetime (err %v)", err)
	}
}

func TestConcurrentRenewalGeneratesOnce(t *testing.T) {
	s := newSigner(testAppID, testKey, testAdmin, time.Hour, time.Now)
	stale, _ := s.get()
	var wg sync.WaitGroup
	got := make([]string, 20)
	for i := range got {
		wg.Go(func() { got[i], _ = s.renew(stale) })
	}
	wg.Wait()
	for _, g := range got {
		if g == stale || g != got[0] {
			t.Fatalf("renewals disagree or reuse the stale sig: %v", got)
		}
	}
}

// TestDeadlines runs on the fake clock: backoff takes no real time, and
// "the caller gave up" is an event (the server cancels the caller's context
// when the request arrives), not a race against a timer.
func TestDeadlines(t *testing.T) {
	t.Run("per-attempt timeout, all attempts", func(t *testing.T) {
		f := newFake(t, script(reply{hang: true}))
		c := f.client(t, func(c *Config) { c.AttemptTimeout = 50 * time.Millisecond; c.MaxAttempts = 2 })
		meta, err := c.UpdateRoomInfo(t.Context(), RoomUpdate{RoomId: "r1", RoomName: ptr("x")})
		if !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v, want ErrUnreachable from the attempt timeout", err)
		}
		if meta.Attempts != 2 || len(f.requests()) != 2 {
			t.Errorf("attempts %d, server saw %d, want 2", meta.Attempts, len(f.requests()))
		}
	})
	t.Run("caller gives up during the only attempt", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		f := newFake(t, func(int, seen) reply { cancel(); return reply{hang: true} })
		c := f.client(t, func(c *Config) { c.MaxAttempts = 5 })
		meta, err := c.UpdateRoomInfo(ctx, RoomUpdate{RoomId: "r1", RoomName: ptr("x")})
		if !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want ErrUnreachable wrapping the cancellation", err)
		}
		if meta.Attempts != 1 || len(f.clock.slept()) != 0 {
			t.Errorf("attempts %d, backoffs %v: nothing may follow the caller giving up", meta.Attempts, f.clock.slept())
		}
	})
	t.Run("no backoff sleep past the deadline", func(t *testing.T) {
		f := newFake(t, script(status(502)))
		c := f.client(t, func(c *Config) { c.MaxAttempts = 20 })
		// The real deadline is an hour away; the fake clock says 250ms remain.
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		dl, _ := ctx.Deadline()
		f.clock.offset = time.Hour - 250*time.Millisecond
		meta, err := c.UpdateRoomInfo(ctx, RoomUpdate{RoomId: "r1", RoomName: ptr("x")})
		if !errors.Is(err, ErrUnreachable) {
			t.Fatalf("err %v, want ErrUnreachable", err)
		}
		slept := f.clock.slept()
		// Backoffs are 50-100ms, 100-200ms, 200-400ms...: at least one
		// fits in 250ms, and never enough to pass the deadline.
		if meta.Attempts < 2 || meta.Attempts >= 20 || len(slept) != meta.Attempts-1 {
			t.Errorf("attempts %d, backoffs %v", meta.Attempts, slept)
		}
		if end := f.clock.Now(); end.After(dl) {
			t.Errorf("backoff slept %v past the deadline (backoffs %v)", end.Sub(dl), slept)
		}
		if meta.Latency < sum(slept) {
			t.Errorf("Latency %v, backoffs %v", meta.Latency, slept)
		}
	})
}

func sum(ds []time.Duration) (total time.Duration) {
	for _, d := range ds {
		total += d
	}
	return total
}

func TestCanceledContextNothingSent(t *testing.T) {
	f := newFake(t, script(ok()))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	meta, err := f.client(t, nil).DestroyRoom(ctx, "r1")
	if err == nil || errors.Is(err, ErrUnreachable) {
		t.Fatalf("err %v: a request never sent has a known outcome", err)
	}
	if meta.Attempts != 0 || len(f.requests()) != 0 {
		t.Errorf("attempts %d, requests %d", meta.Attempts, len(f.requests()))
	}
}

func TestObserveAndMeta(t *testing.T) {
	f := newFake(t, script(status(502), fail(100001), reply{body: okBody(sampleRoomInfo)}))
	var mu sync.Mutex
	var codes []int
	c := f.client(t, func(c *Config) {
		c.Observe = func(cmd string, code int, d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			if cmd != CmdGetRoomInfo || d < 0 {
				t.Errorf("Observe(%q, %d, %v)", cmd, code, d)
			}
			codes = append(codes, code)
		}
	})
	_, meta, err := c.GetRoomInfo(t.Context(), "rid-123")
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{-1, 100001, 0}; !slices.Equal(codes, want) {
		t.Errorf("observed codes %v, want %v", codes, want)
	}
	if meta.Attempts != 3 || meta.ErrorCode != 0 || meta.ActionStatus != "OK" || meta.RequestID != "Id-ok" ||
		string(meta.RequestBody) != `{"RoomId":"rid-123"}` || string(meta.ResponseBody) != okBody(sampleRoomInfo) {
		t.Errorf("meta %+v", meta)
	}
	slept := f.clock.slept()
	if len(slept) != 2 || slept[0] < 50*time.Millisecond || slept[1] < 100*time.Millisecond || meta.Latency < sum(slept) {
		t.Errorf("backoffs %v (want 50-100ms then 100-200ms), Latency %v must include them", slept, meta.Latency)
	}
}

func TestDescribe(t *testing.T) {
	retryable := []int{60007, 60008, 60011, 60014, 60018, 60019, 70017, 70169, 70201, 70202, 70203, 70207,
		70208, 70212, 70213, 70222, 70225, 70231, 70308, 70348, 70362, 70401, 70500, 91000, 100001, 100012}
	renew := []int{70001, 70003, 70005, 70052}
	for code, txt := range codes {
		info := Describe(code)
		if info.Code != code || info.Meaning != txt.meaning || info.Meaning == "" {
			t.Errorf("Describe(%d) = %+v", code, info)
		}
		if info.Retryable != slices.Contains(retryable, code) {
			t.Errorf("Describe(%d).Retryable = %v", code, info.Retryable)
		}
		if info.RenewSig != slices.Contains(renew, code) {
			t.Errorf("Describe(%d).RenewSig = %v", code, info.RenewSig)
		}
	}
	documented := []int{60002, 60003, 60004, 60005, 60006, 60009, 60010, 60012, 60013, 60015, 60016, 60017, 60020,
		60021, 70002, 70009, 70013, 70014, 70016, 70020, 70050, 70051, 70107, 70114, 70206, 70221, 70236, 70346,
		70347, 70398, 70402, 70403, 90001, 100002, 100003, 100004, 100005, 100006, 100007, 100008, 100009, 100010, 100011,
		100013, 100015, 100016, 100017, 100018, 100019, 100020, 100102, 100200, 100211, 100500, 100501, 100502,
		100503, 100504}
	for _, code := range slices.Concat(documented, retryable, renew) {
		if _, ok := codes[code]; !ok {
			t.Errorf("documented code %d missing from the catalogue", code)
		}
	}
	ranges := []struct {
		code int
		want string
	}{
		{100205, "seat operation refused (seat error 100205)"},
		{100410, "co-host connection or battle operation refused (error 100410)"},
		{100777, "the live room service refused the request (error 100777)"},
		{70999, "Tencent refused the admin account or its UserSig (error 70999)"},
		{61234, "Tencent refused the REST request (error 61234)"},
		{42, "unknown Tencent error 42"},
		{-1, "unknown Tencent error -1"},
	}
	for _, r := range ranges {
		if got := Describe(r.code); got.Meaning != r.want+lookItUp || got.Retryable || got.RenewSig {
			t.Errorf("Describe(%d) = %+v, want meaning %q", r.code, got, r.want)
		}
	}
}
