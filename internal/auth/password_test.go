package auth

import (
	"errors"
	"strings"
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
		{"short", "password must be at least 10 characters"},
		{"ééééééééé", "password must be at least 10 characters"}, // 9 runes, 18 bytes
		{strings.Repeat("x", 257), "password must be at most 256 bytes"},
		{"abc\xffdefghij", "password is not valid UTF-8"},
		{"ten chars!", ""},
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
