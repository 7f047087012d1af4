package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// GenesisHash is the prev_hash of the first row: 64 zeros.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Canonical returns the bytes the hash chain covers for e: a JSON object with
// the keys in the fixed order below, no whitespace, integers as integers, the
// time as Unix microseconds, and strings escaped exactly as Python's
// json.dumps(..., ensure_ascii=False, separators=(",", ":")) does. That last
// choice is deliberate: docs/AUDIT.md re-checks the chain with a short Python
// script, and two encoders that disagree on one escape would make an intact
// log look tampered. PrevHash and Hash are not part of it (prev_hash is
// prefixed by Hash instead). The app comes last and only when set, so rows
// written before apps existed keep the encoding, and the hash, they had.
func Canonical(e Entry) []byte {
	b := make([]byte, 0, 512+len(e.RequestBody)+len(e.ResponseBody))
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `,"at_us":`...)
	b = strconv.AppendInt(b, e.Time.UnixMicro(), 10)
	b = appendStr(b, "kind", string(e.Kind))
	b = append(b, `,"intent_seq":`...)
	b = strconv.AppendInt(b, e.IntentSeq, 10)
	b = appendStr(b, "actor", e.Actor)
	b = appendStr(b, "actor_role", e.ActorRole)
	b = appendStr(b, "client_ip", e.ClientIP)
	b = appendStr(b, "user_agent", e.UserAgent)
	b = appendStr(b, "action", e.Action)
	b = appendStr(b, "room_id", e.RoomID)
	b = appendStr(b, "job_id", e.JobID)
	b = append(b, `,"changes":`...)
	b = AppendChanges(b, e.Changes)
	b = appendStr(b, "request_body", e.RequestBody)
	b = appendStr(b, "response_body", e.ResponseBody)
	b = appendStr(b, "action_status", e.ActionStatus)
	b = append(b, `,"error_code":`...)
	b = strconv.AppendInt(b, int64(e.ErrorCode), 10)
	b = appendStr(b, "error_info", e.ErrorInfo)
	b = appendStr(b, "request_id", e.RequestID)
	b = appendStr(b, "outcome", e.Outcome)
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(e.Attempts), 10)
	b = append(b, `,"latency_ms":`...)
	b = strconv.AppendInt(b, e.LatencyMS, 10)
	b = appendStr(b, "detail", e.Detail)
	if e.App != "" {
		b = appendStr(b, "app", e.App)
	}
	return append(b, '}')
}

// ComputeHash is hex(SHA-256(prevHash as its 64 ASCII hex characters ||
// Canonical(e))). Including seq in the canonical content is what makes a
// swapped or renumbered row fail, not only an edited one.
func ComputeHash(prevHash string, e Entry) string {
	h := sha256.New()
	h.Write([]byte(prevHash))
	h.Write(Canonical(e))
	return hex.EncodeToString(h.Sum(nil))
}

// AppendChanges appends the canonical JSON array of changes (in order, each
// {"field","before","after"}). It is also the stored form of the changes
// column, so an empty list is "[]", never null.
func AppendChanges(b []byte, cs []Change) []byte {
	b = append(b, '[')
	for i, c := range cs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"field":`...)
		b = appendQuoted(b, c.Field)
		b = append(b, `,"before":`...)
		b = appendQuoted(b, c.Before)
		b = append(b, `,"after":`...)
		b = appendQuoted(b, c.After)
		b = append(b, '}')
	}
	return append(b, ']')
}

// ParseChanges reads the stored changes column back. Empty gives nil.
func ParseChanges(s string) ([]Change, error) {
	var cs []Change
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &cs); err != nil {
		return nil, fmt.Errorf("audit: changes column: %w", err)
	}
	if len(cs) == 0 {
		return nil, nil
	}
	return cs, nil
}

func appendStr(b []byte, key, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendQuoted(b, v)
}

const hexDigits = "0123456789abcdef"

// appendQuoted escapes like Python's json encoder with ensure_ascii=False:
// the two-character escapes for " \ \b \f \n \r \t, \u00xx (lower-case hex)
// for the other control characters below 0x20, every other character as its
// UTF-8 bytes. Strings are valid UTF-8 here because Normalize ran first.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// Normalize makes e storable identically on both databases: PostgreSQL TEXT
// refuses NUL bytes and invalid UTF-8 that SQLite would keep, and the hash
// must not depend on which one holds the log. Such bytes become U+FFFD.
// Time becomes UTC at microsecond precision, the precision stored.
func Normalize(e *Entry) {
	for _, p := range []*string{&e.Actor, &e.ActorRole, &e.ClientIP, &e.UserAgent,
		&e.Action, &e.RoomID, &e.JobID, &e.RequestBody, &e.ResponseBody,
		&e.ActionStatus, &e.ErrorInfo, &e.RequestID, &e.Outcome, &e.Detail, &e.App} {
		*p = clean(*p)
	}
	if e.Kind != "" {
		e.Kind = Kind(clean(string(e.Kind)))
	}
	dirty := false
	for _, c := range e.Changes {
		if clean(c.Field) != c.Field || clean(c.Before) != c.Before || clean(c.After) != c.After {
			dirty = true
		}
	}
	if dirty { // copy: the caller's slice may be shared
		cs := make([]Change, len(e.Changes))
		for i, c := range e.Changes {
			cs[i] = Change{Field: clean(c.Field), Before: clean(c.Before), After: clean(c.After)}
		}
		e.Changes = cs
	}
	if !e.Time.IsZero() {
		e.Time = e.Time.UTC().Truncate(time.Microsecond)
	}
}

func clean(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
