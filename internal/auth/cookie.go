package auth

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/gorilla/securecookie"
)

// Cookie keys. The session cookie carries only the random session id (and
// whatever small state the handlers add); the session itself lives in the
// database, so it can be revoked and shared across instances.
//
// Each configured key (ROOMDESK_SESSION_KEYS or the generated file, newest
// first) yields, via HKDF-SHA256 with distinct labels, a 64-byte HMAC-SHA256
// key and a 32-byte AES-256 key: one secret per configured key, never the
// same bytes for signing and encryption. securecookie encodes with the first
// pair and decodes with any, which is what makes rotation work: put the new
// key first, keep the old one until the longest session (8h) has passed.

const (
	hashKeyInfo  = "roomdesk cookie hmac v1"
	blockKeyInfo = "roomdesk cookie aes v1"
)

// CookieKeyPairs derives the hash/block key pairs, in the order
// sessions.NewCookieStore(pairs...) and securecookie.CodecsFromPairs expect.
func CookieKeyPairs(keys [][]byte) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("auth: cookie keys: none configured")
	}
	pairs := make([][]byte, 0, 2*len(keys))
	for i, k := range keys {
		if len(k) < 32 {
			return nil, fmt.Errorf("auth: cookie key %d: %d bytes, need at least 32", i+1, len(k))
		}
		h, err := hkdf.Key(sha256.New, k, nil, hashKeyInfo, 64)
		if err != nil {
			return nil, fmt.Errorf("auth: cookie key %d: %w", i+1, err)
		}
		b, err := hkdf.Key(sha256.New, k, nil, blockKeyInfo, 32)
		if err != nil {
			return nil, fmt.Errorf("auth: cookie key %d: %w", i+1, err)
		}
		pairs = append(pairs, h, b)
	}
	return pairs, nil
}

// NewCookieCodecs returns securecookie codecs for the keys, newest first,
// whose timestamps expire after maxAge (use the absolute session timeout).
// Assign them to a sessions.CookieStore's Codecs, or use them directly with
// securecookie.EncodeMulti/DecodeMulti.
func NewCookieCodecs(keys [][]byte, maxAge time.Duration) ([]securecookie.Codec, error) {
	pairs, err := CookieKeyPairs(keys)
	if err != nil {
		return nil, err
	}
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(int(maxAge / time.Second))
			sc.SetSerializer(sessionSerializer{})
		}
	}
	return codecs, nil
}
