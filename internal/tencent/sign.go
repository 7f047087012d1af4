package tencent

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tencentyun/tls-sig-api-v2-golang/tencentyun"
)

// signer caches the admin UserSig. Generating one is cheap, but reusing it is
// what Tencent's console does, and it keeps a burst of requests from each
// producing a different credential to reason about.
type signer struct {
	appID int
	key   string
	admin string
	ttl   time.Duration
	now   func() time.Time

	mu   sync.Mutex
	sig  string
	born time.Time
}

func newSigner(appID int, key, admin string, ttl time.Duration, now func() time.Time) *signer {
	return &signer{appID: appID, key: key, admin: admin, ttl: ttl, now: now}
}

// get returns a sig with at least half its lifetime left.
func (s *signer) get() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sig != "" && s.now().Sub(s.born) < s.ttl/2 {
		return s.sig, nil
	}
	return s.generate(0)
}

// renew replaces the sig Tencent refused. When several requests fail with the
// same stale sig at once, only the first one generates; the others pick up
// its result.
func (s *signer) renew(stale string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sig != stale && s.sig != "" {
		return s.sig, nil
	}
	sig, err := s.generate(0)
	if err == nil && sig == stale {
		// GenUserSig stamps whole seconds, so within the same second it
		// reproduces the very sig Tencent just refused; a lifetime one second
		// shorter gives a genuinely new one.
		sig, err = s.generate(time.Second)
	}
	return sig, err
}

func (s *signer) generate(shave time.Duration) (string, error) {
	expire := int((s.ttl - shave) / time.Second)
	sig, err := tencentyun.GenUserSig(s.appID, s.key, s.admin, expire)
	if err != nil {
		// The library's errors come from JSON/zlib and carry no key material,
		// but be certain.
		return "", fmt.Errorf("tencent: generating UserSig: %s", strings.ReplaceAll(err.Error(), s.key, "REDACTED"))
	}
	s.sig, s.born = sig, s.now()
	return sig, nil
}

// randomUint32 is the per-attempt `random` parameter Tencent uses to tell
// requests apart.
func randomUint32() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return binary.LittleEndian.Uint32(b[:])
}

// query builds the signed query string in the order the docs show. The sig
// alphabet [A-Za-z0-9*_-] is query-safe, and Tencent's console sends it
// unescaped, so we do too.
func (c *Client) query(sig string, random uint32) string {
	var b strings.Builder
	b.Grow(96 + len(sig))
	b.WriteString("sdkappid=")
	b.WriteString(c.appID)
	b.WriteString("&identifier=")
	b.WriteString(c.adminQuery)
	b.WriteString("&usersig=")
	b.WriteString(sig)
	b.WriteString("&random=")
	b.WriteString(strconv.FormatUint(uint64(random), 10))
	b.WriteString("&contenttype=json")
	return b.String()
}

// endpoint is the URL of a command without its query string.
func (c *Client) endpoint(command string) string {
	return c.base.String() + "/v4/live_engine_http_srv/" + command
}
