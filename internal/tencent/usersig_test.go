package tencent

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

// A request that fails with a UserSig another request has already replaced
// picks up the replacement; it does not sign yet another one. The library
// stamps sigs with the real clock in whole seconds, so a second signature
// within the same second could read the same: what tells them apart is the
// signer's birth time, which runs on the test's clock and moves on by 5 s
// between the two renewals.
func TestRenewalWithAReplacedSigReusesTheReplacement(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := newSigner(testAppID, testKey, testAdmin, time.Hour, clock)

	stale, err := s.get()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := s.renew(stale)
	if err != nil || fresh == stale {
		t.Fatalf("first renewal: %q, %v", fresh, err)
	}
	born := s.born
	mu.Lock()
	now = now.Add(5 * time.Second)
	mu.Unlock()
	again, err := s.renew(stale)
	if err != nil {
		t.Fatal(err)
	}
	if again != fresh || !s.born.Equal(born) {
		t.Error("a second request refused with the old sig signed a new one instead of reusing the replacement")
	}
	if got, _ := s.get(); got != fresh {
		t.Error("the replacement is no longer the cached sig")
	}
}

// No sig outlives the configured TTL, a renewed one included (within the
// second its predecessor was stamped in, a renewal has to differ from it,
// and does so by living a second less, never more). Tencent's library
// stamps sigs with the real clock in whole seconds, so the check is made
// one second past the TTL counted from the last possible stamp.
func TestRenewedSigDoesNotOutliveTheTTL(t *testing.T) {
	const ttl = time.Hour
	s := newSigner(testAppID, testKey, testAdmin, ttl, time.Now)
	stale, err := s.get()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := s.renew(stale)
	end := time.Now()
	if err != nil || fresh == stale {
		t.Fatalf("renewal: %q, %v", fresh, err)
	}
	for name, sig := range map[string]string{"first": stale, "renewed": fresh} {
		if err := tencentyun.VerifyUserSig(testAppID, testKey, testAdmin, sig, end); err != nil {
			t.Errorf("%s sig does not verify now: %v", name, err)
		}
		past := time.Unix(end.Unix()+int64(ttl/time.Second)+1, 0)
		if err := tencentyun.VerifyUserSig(testAppID, testKey, testAdmin, sig, past); !errors.Is(err, tencentyun.ErrExpired) {
			t.Errorf("%s sig still valid a second past its %v TTL (err %v)", name, ttl, err)
		}
	}
}
