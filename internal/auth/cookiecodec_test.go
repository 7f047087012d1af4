package auth

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
)

func testCodecs(t testing.TB) []securecookie.Codec {
	t.Helper()
	codecs, err := NewCookieCodecs([][]byte{bytes.Repeat([]byte{7}, 32)}, 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return codecs
}

// TestSessionCookieValues: a session's string values go as JSON and come
// back; a cookie gob-encoded by an earlier version (securecookie's default
// serializer, the same keys) still reads, so an upgrade signs no one out;
// values that are not strings still go as gob.
func TestSessionCookieValues(t *testing.T) {
	codecs := testCodecs(t)
	values := map[any]any{"sid": "abc", "pre": `x"<&>`}
	b, err := (sessionSerializer{}).Serialize(values)
	if err != nil || len(b) == 0 || b[0] != jsonMark || !bytes.Contains(b, []byte(`"sid":"abc"`)) {
		t.Fatalf("string values serialize as %q, %v; want a 0 byte then JSON", b, err)
	}
	v, err := securecookie.EncodeMulti("roomdesk_session", values, codecs...)
	if err != nil {
		t.Fatal(err)
	}
	got := map[any]any{}
	if err := securecookie.DecodeMulti("roomdesk_session", v, &got, codecs...); err != nil || !reflect.DeepEqual(got, values) {
		t.Errorf("round trip: %v, %v; want %v", got, err, values)
	}

	// An earlier version's cookie: the same keys, gob.
	pairs, _ := CookieKeyPairs([][]byte{bytes.Repeat([]byte{7}, 32)})
	old := securecookie.New(pairs[0], pairs[1])
	old.MaxAge(int((8 * time.Hour).Seconds()))
	ov, err := old.Encode("roomdesk_session", values)
	if err != nil {
		t.Fatal(err)
	}
	got = map[any]any{}
	if err := securecookie.DecodeMulti("roomdesk_session", ov, &got, codecs...); err != nil || !reflect.DeepEqual(got, values) {
		t.Errorf("a gob cookie from before: %v, %v; want %v", got, err, values)
	}

	// Not all strings: gob, and it reads back.
	mixed := map[any]any{"sid": "abc", "n": 3}
	b, err = (sessionSerializer{}).Serialize(mixed)
	if err != nil || b[0] == jsonMark {
		t.Fatalf("mixed values serialize as %q, %v; want gob", b, err)
	}
	got = map[any]any{}
	if err := (sessionSerializer{}).Deserialize(b, &got); err != nil || !reflect.DeepEqual(got, mixed) {
		t.Errorf("mixed round trip: %v, %v", got, err)
	}
	// Into a map not yet made.
	var fresh map[any]any
	if err := (sessionSerializer{}).Deserialize(append([]byte{jsonMark}, `{"sid":"abc"}`...), &fresh); err != nil || fresh["sid"] != "abc" {
		t.Errorf("into a nil map: %v, %v", fresh, err)
	}
	// JSON into anything but a session's values is refused, not guessed.
	var s string
	if err := (sessionSerializer{}).Deserialize([]byte("\x00{}"), &s); err == nil {
		t.Error("JSON values read into a string")
	}
	if err := (sessionSerializer{}).Deserialize([]byte("\x00{"), &got); err == nil {
		t.Error("broken JSON read")
	}
}

// TestNoGobStreamStartsWithTheJSONMark backs the 0 byte: gob's first byte
// is the first message's length, and a message is never empty.
func TestNoGobStreamStartsWithTheJSONMark(t *testing.T) {
	for _, v := range []any{map[any]any{}, map[any]any{"sid": "x"}, "", 0, map[any]any{"n": bytes.Repeat([]byte{0}, 300)}} {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(v); err != nil {
			t.Fatal(err)
		}
		if buf.Bytes()[0] == jsonMark {
			t.Errorf("gob of %T starts with the JSON mark", v)
		}
	}
}

// BenchmarkSessionCookieDecode reads a session cookie, as every request
// does; gob is securecookie's default serializer, for comparison.
func BenchmarkSessionCookieDecode(b *testing.B) {
	values := map[any]any{"sid": "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"}
	pairs, _ := CookieKeyPairs([][]byte{bytes.Repeat([]byte{7}, 32)})
	for name, codec := range map[string]*securecookie.SecureCookie{
		"json": testCodecs(b)[0].(*securecookie.SecureCookie),
		"gob":  securecookie.New(pairs[0], pairs[1]),
	} {
		b.Run(name, func(b *testing.B) {
			v, err := codec.Encode("roomdesk_session", values)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				got := map[any]any{}
				if err := codec.Decode("roomdesk_session", v, &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
