package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits. The maximum bounds the work an attacker can make
// one login cost; 256 is far beyond any passphrase.
const (
	MinPasswordLen = 12  // characters (ASVS 5.0 6.2.1)
	MaxPasswordLen = 256 // bytes
)

// HashParams are argon2id's cost parameters.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultHashParams are OWASP's first argon2id configuration (19 MiB, 2
// passes, 1 lane): about 30-40 ms per hash on one core of a small server, so
// a login stays well under 100 ms on a 2-core box, and 19 MiB per login keeps
// a burst of concurrent logins (also bounded by Options.MaxConcurrentHashes)
// from exhausting memory.
func DefaultHashParams() HashParams { return HashParams{Memory: 19 * 1024, Time: 2, Threads: 1} }

const (
	saltLen = 16
	keyLen  = 32
)

// hashPassword returns the PHC string
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash> (unpadded
// standard base64), which carries its own parameters so they can be raised
// later without invalidating stored hashes.
func hashPassword(password string, p HashParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: stored password hash is malformed")

// verifyPassword checks password against a PHC string in constant time. It
// also reports whether the hash used other parameters than want, so a
// successful login can upgrade it.
func verifyPassword(password, phc string, want HashParams) (ok, stale bool, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, errBadHash
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, false, errBadHash
	}
	// Bounds, so a tampered row cannot make one login allocate gigabytes.
	if p.Memory < 8 || p.Memory > 1<<20 || p.Time < 1 || p.Time > 16 || p.Threads < 1 {
		return false, false, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	sum, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(sum) < 16 || len(sum) > 64 {
		return false, false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(sum)))
	return subtle.ConstantTimeCompare(got, sum) == 1, p != want, nil
}

// ValidatePassword applies the password policy: a length and a
// common-password check, as NIST SP 800-63B and ASVS 5.0 V6.2 advise, and no
// composition rules, since they push people to worse passwords.
func ValidatePassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return &ValidationError{Field: "password", Message: fmt.Sprintf("must be at least %d characters", MinPasswordLen), ID: "auth.ErrPasswordShort", Data: map[string]any{"Min": MinPasswordLen}}
	}
	if len(password) > MaxPasswordLen {
		return &ValidationError{Field: "password", Message: fmt.Sprintf("must be at most %d bytes", MaxPasswordLen), ID: "auth.ErrPasswordLong", Data: map[string]any{"Max": MaxPasswordLen}}
	}
	if !utf8.ValidString(password) {
		return &ValidationError{Field: "password", Message: "is not valid UTF-8", ID: "auth.ErrPasswordUTF8"}
	}
	if isCommonPassword(password) {
		return &ValidationError{Field: "password", Message: "is one of the most common passwords, which attackers try first; choose another", ID: "auth.ErrPasswordCommon"}
	}
	return nil
}

// contextWords are the words that make a password easy to guess here
// (ASVS 6.1.2, 6.2.11); the username is added per user.
var contextWords = []string{"roomdesk", "tencent", "livekit", "tuilivekit"}

// validatePasswordFor is validatePassword plus the context check: a
// password containing the username or the product's name is refused.
func validatePasswordFor(password, username string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	lower := strings.ToLower(password)
	for _, w := range append([]string{strings.ToLower(username)}, contextWords...) {
		if len(w) >= 3 && strings.Contains(lower, w) {
			return &ValidationError{Field: "password", Message: fmt.Sprintf("must not contain %q, which an attacker would try first", w), ID: "auth.ErrPasswordContains", Data: map[string]any{"Word": w}}
		}
	}
	return nil
}

// DefaultMaxConcurrentHashes bounds parallel argon2 runs. Each holds
// HashParams.Memory (19 MiB by default), so password hashing can never hold
// more than 4 × 19 MiB = 76 MiB however many sign-ins arrive at once; the
// rest wait their turn in a queue (about 35 ms per hash per slot).
const DefaultMaxConcurrentHashes = 4

// hasher runs argon2 with bounded concurrency: each hash holds Memory KiB,
// and logins for different usernames are not throttled against each other.
type hasher struct {
	params HashParams
	slots  chan struct{}
	// running and peak count hashes in progress, so a test can show the
	// bound holds.
	running, peak atomic.Int32
}

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		n := h.running.Add(1)
		for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *hasher) release() {
	h.running.Add(-1)
	<-h.slots
}

func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return hashPassword(password, h.params)
}

func (h *hasher) verify(ctx context.Context, password, phc string) (ok, stale bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	return verifyPassword(password, phc, h.params)
}
