package tencent

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzDecodeResponse feeds arbitrary answers through the envelope and payload
// decoders: they must never panic, must classify every failure as
// ErrBadResponse, and whatever decodes must survive a marshal/unmarshal round
// trip unchanged (the console re-sends what it read).
func FuzzDecodeResponse(f *testing.F) {
	seeds := []string{
		okBody(sampleRoomInfo),
		okBody(`{"RoomInfo":{"RoomId":"r","TakeSeatMode":1,"Owner_Account":"u1"}}`),
		okBody(`{"RoomInfo":{"RoomId":"r","TakeSeatMode":2,"IsMessageDisabled":"true"}}`),
		okBody(`{"RoomInfo":{"RoomId":"r","IsMessageDisabled":"0","Category":[]}}`),
		okBody(sampleRoomList),
		okBody(`{"Next":"","RoomList":[]}`),
		failBody(100004),
		`{"ActionStatus":"FAIL","ErrorInfo":"","ErrorCode":70001,"RequestId":"Id-x"}`,
		`{"ActionStatus":"OK"}`,
		`<html>502</html>`,
		``,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := parseEnvelope(data)
		if err != nil {
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("envelope error %v does not wrap ErrBadResponse", err)
			}
			return
		}
		if env.ActionStatus == "FAIL" && env.ErrorCode == 0 {
			t.Fatal("a FAIL answer reads as code 0")
		}
		if Describe(env.ErrorCode).Meaning == "" {
			t.Fatalf("no meaning for code %d", env.ErrorCode)
		}
		var info struct{ RoomInfo RoomInfo }
		if err := decodePayload(CmdGetRoomInfo, env.Response, &info); err == nil {
			roundTrip(t, info.RoomInfo)
		} else if !errors.Is(err, ErrBadResponse) {
			t.Fatalf("payload error %v does not wrap ErrBadResponse", err)
		}
		var list struct {
			RoomList []RoomInfo
			Next     string
		}
		if decodePayload(CmdGetRoomList, env.Response, &list) == nil {
			roundTrip(t, list)
		}
	})
}

func roundTrip[T any](t *testing.T, v T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %+v: %v", v, err)
	}
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("re-decoding our own %s: %v", b, err)
	}
	if !reflect.DeepEqual(v, back) {
		t.Fatalf("round trip changed the value:\n was %+v\n now %+v\nwire %s", v, back, b)
	}
}

// FuzzDecodeListItem: any one list item is either a room with a RoomId that
// survives a round trip, or an UnreadableRoom carrying the item verbatim and
// a reason; it never panics and never drops the item.
func FuzzDecodeListItem(f *testing.F) {
	for _, s := range []string{
		`{"RoomId":"r1","ViewCount":9}`, `{"RoomId":"r","ViewCount":"many"}`, `{"RoomId":7}`,
		`null`, `"x"`, `{"RoomId":"r","Category":{"a":1}}`, `{"RoomId":"","RoomName":"n"}`,
		`{"RoomId":"r","Owner_Account":144115233775727695,"TakeSeatMode":2,"IsMessageDisabled":"true"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return // the page decoder has already refused the answer
		}
		r, bad := decodeListItem(3, data)
		if bad == nil {
			if r.RoomId == "" {
				t.Fatal("a readable room without a RoomId")
			}
			roundTrip(t, r)
			return
		}
		if bad.Index != 3 || string(bad.Raw) != string(data) || bad.Reason == "" {
			t.Fatalf("unreadable %+v for %s", bad, data)
		}
	})
}
