package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestDefaultHashCost guards the latency budget: a login must stay well
// below 100 ms on a small server. Skipped under -race and -short, whose
// overhead says nothing about production.
func TestDefaultHashCost(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test")
	}
	h, _ := hashPassword("correct horse battery", DefaultHashParams())
	start := time.Now()
	verifyPassword("correct horse battery", h, DefaultHashParams())
	if d := time.Since(start); d > 150*time.Millisecond {
		t.Errorf("one verification took %s", d)
	} else {
		t.Logf("one verification took %s", d)
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
