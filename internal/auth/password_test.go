package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := hashPassword("correct horse battery", fastHash)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("not PHC: %s", h)
	}
	h2, _ := hashPassword("correct horse battery", fastHash)
	if h == h2 {
		t.Error("same hash twice: salt not random")
	}
	ok, stale, err := verifyPassword("correct horse battery", h, fastHash)
	if !ok || stale || err != nil {
		t.Errorf("verify: %v %v %v", ok, stale, err)
	}
	if ok, _, _ := verifyPassword("correct horse batterx", h, fastHash); ok {
		t.Error("wrong password accepted")
	}
	if _, stale, _ := verifyPassword("correct horse battery", h, DefaultHashParams()); !stale {
		t.Error("other params not reported stale")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA"} {
		if _, _, err := verifyPassword("x", bad, fastHash); !errors.Is(err, errBadHash) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	cases := []struct{ pw, want string }{
		{"short", "password must be at least 12 characters"},
		{"ééééééééééé", "password must be at least 12 characters"}, // 11 runes, 22 bytes
		{strings.Repeat("x", 257), "password must be at most 256 bytes"},
		{"abc\xffdefghijkl", "password is not valid UTF-8"},
		{"twelve chars", ""},
		// Finding 8: these were accepted.
		{"1234567890", "password must be at least 12 characters"},
		{"password12", "password must be at least 12 characters"},
		{"aaaaaaaaaa", "password must be at least 12 characters"},
		// Long enough, but on the common-password list, in any case.
		{"qwerty123456", "password is one of the most common passwords, which attackers try first; choose another"},
		{"LeaveMeAlone", "password is one of the most common passwords, which attackers try first; choose another"},
		{"1qaz2wsx3edc", "password is one of the most common passwords, which attackers try first; choose another"},
	}
	for _, tc := range cases {
		err := ValidatePassword(tc.pw)
		if got := errString(err); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.pw, got, tc.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestDefaultHashCost guards the login budget by the parameters that set
// it, not by a stopwatch: argon2id's work is Memory × Time block
// compressions, so a bound on that product is a bound on latency that holds
// under -race and on a busy 2-core machine alike (one verification with
// OWASP's 19 MiB × 2 measures 30-40 ms on one core; BenchmarkVerifyDefault
// re-measures). The floor is OWASP's list of argon2id configurations, so the
// cost cannot be lowered below what it recommends either.
func TestDefaultHashCost(t *testing.T) {
	p := DefaultHashParams()
	// OWASP Password Storage Cheat Sheet: equivalent argon2id configurations
	// of one lane; anything weaker than the cheapest of them is refused.
	owasp := []HashParams{{46 * 1024, 1, 1}, {19 * 1024, 2, 1}, {12 * 1024, 3, 1}, {9 * 1024, 4, 1}, {7 * 1024, 5, 1}}
	floor := false
	for _, o := range owasp {
		if p.Memory >= o.Memory && p.Time >= o.Time && p.Threads >= 1 {
			floor = true
		}
	}
	if !floor {
		t.Errorf("DefaultHashParams %+v is weaker than every OWASP argon2id configuration", p)
	}
	const budget = 19 * 1024 * 2 // KiB × passes: the measured 30-40 ms per login
	if work := uint64(p.Memory) * uint64(p.Time); work > budget {
		t.Errorf("DefaultHashParams %+v cost %d KiB-passes per login, budget %d (about 40 ms)", p, work, budget)
	}
	if p.Threads != 1 {
		t.Errorf("Threads = %d: more lanes use more cores per login on a 2-core box", p.Threads)
	}

	// What a service stores is what the parameters say: the PHC string of a
	// default-configured service carries them, and verifies as current.
	s := NewService(nil, nil, Options{})
	if s.hasher.params != p {
		t.Errorf("NewService hashes with %+v, want the defaults %+v", s.hasher.params, p)
	}
	if got, want := cap(s.hasher.slots), 2*runtime.GOMAXPROCS(0); got != want {
		t.Errorf("concurrent hashes %d, want %d", got, want)
	}
	// Memory held by a burst of logins: slots × Memory stays under 256 MiB
	// on the 2-core box the budget is written for.
	if mem := uint64(4) * uint64(p.Memory); mem > 256*1024 {
		t.Errorf("4 concurrent logins hold %d KiB", mem)
	}
	h, err := s.hasher.hash(context.Background(), "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", p.Memory, p.Time, p.Threads)
	if !strings.HasPrefix(h, want) {
		t.Errorf("stored hash %q, want prefix %q", h, want)
	}
	if ok, stale, err := s.hasher.verify(context.Background(), "correct horse battery", h); !ok || stale || err != nil {
		t.Errorf("verify with defaults: ok=%v stale=%v err=%v", ok, stale, err)
	}
}

// BenchmarkVerifyDefault measures one login's hash with the defaults
// (go test -bench VerifyDefault -run ^$ ./internal/auth, without -race).
func BenchmarkVerifyDefault(b *testing.B) {
	h, _ := hashPassword("correct horse battery", DefaultHashParams())
	for b.Loop() {
		verifyPassword("correct horse battery", h, DefaultHashParams())
	}
}

// Finding 13: argon2id holds 19 MiB per hash and nothing bounded how many
// ran at once. Now at most MaxConcurrentHashes run; the rest queue.
func TestHashingIsBounded(t *testing.T) {
	h := &hasher{params: fastHash, slots: make(chan struct{}, 3)}
	phc, err := hashPassword(pw, fastHash)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _, err := h.verify(context.Background(), pw, phc); !ok || err != nil {
				t.Errorf("verify: %v %v", ok, err)
			}
		}()
	}
	wg.Wait()
	if p := h.peak.Load(); p < 1 || p > 3 {
		t.Fatalf("peak concurrent hashes %d, want 1..3", p)
	}
	if NewService(nil, nil, Options{}).hasher.slots == nil || cap(NewService(nil, nil, Options{}).hasher.slots) != DefaultMaxConcurrentHashes {
		t.Error("default bound not applied")
	}
}

// ASVS 6.2.11: the username and the product's names are refused inside a
// password.
func TestContextWords(t *testing.T) {
	for _, tc := range []struct{ pw, user, want string }{
		{"olga-loves-sunshine", "olga", `password must not contain "olga", which an attacker would try first`},
		{"MyRoomDesk2026!!", "bob", `password must not contain "roomdesk", which an attacker would try first`},
		{"correct horse battery", "olga", ""},
	} {
		if got := errString(validatePasswordFor(tc.pw, tc.user)); got != tc.want {
			t.Errorf("%q for %s: %q, want %q", tc.pw, tc.user, got, tc.want)
		}
	}
}
