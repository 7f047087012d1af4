package auth

import (
	"encoding/json"
	"fmt"

	"github.com/gorilla/securecookie"
)

// sessionSerializer turns a session cookie's values into bytes for
// securecookie. Every value roomdesk keeps in a cookie is a string under a
// string key (the session id, the pre-session CSRF secret, the SSO
// binding), so those go as JSON: securecookie's default, gob, compiles the
// value's types afresh for every cookie it reads, which made the cookie
// the costliest step of an edit before its database reads
// (docs/BENCHMARKS.md). The JSON follows a 0 byte, which no gob stream
// starts with (its first byte is a message length, never 0). Anything
// else, and every cookie an earlier version wrote, is gob as before, so
// an upgrade signs no one out.
type sessionSerializer struct{ gob securecookie.GobEncoder }

const jsonMark = 0

func (s sessionSerializer) Serialize(src any) ([]byte, error) {
	if m, ok := src.(map[any]any); ok {
		if flat, ok := stringMap(m); ok {
			b, err := json.Marshal(flat)
			if err != nil {
				return nil, err
			}
			return append([]byte{jsonMark}, b...), nil
		}
	}
	return s.gob.Serialize(src)
}

func (s sessionSerializer) Deserialize(b []byte, dst any) error {
	if len(b) == 0 || b[0] != jsonMark {
		return s.gob.Deserialize(b, dst)
	}
	m, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("auth: cookie: a session's values cannot be read into %T", dst)
	}
	var flat map[string]string
	if err := json.Unmarshal(b[1:], &flat); err != nil {
		return fmt.Errorf("auth: cookie: %w", err)
	}
	if *m == nil {
		*m = make(map[any]any, len(flat))
	}
	for k, v := range flat {
		(*m)[k] = v
	}
	return nil
}

// stringMap is m when all its keys and values are strings.
func stringMap(m map[any]any) (map[string]string, bool) {
	flat := make(map[string]string, len(m))
	for k, v := range m {
		ks, ok1 := k.(string)
		vs, ok2 := v.(string)
		if !ok1 || !ok2 {
			return nil, false
		}
		flat[ks] = vs
	}
	return flat, true
}
