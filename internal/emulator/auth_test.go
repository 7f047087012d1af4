package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestAdmission(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name   string
		method string
		path   string // command; default get_room_info
		edit   func(t *testing.T, q url.Values)
		now    func() time.Time
		code   int
	}{
		{name: "valid", code: 0},
		{name: "GET", method: http.MethodGet, code: 60002},
		{name: "unknown command", path: "get_everything", code: 60009},
		{name: "missing sdkappid", edit: func(t *testing.T, q url.Values) { q.Del("sdkappid") }, code: 60012},
		{name: "sdkappid not a number", edit: func(t *testing.T, q url.Values) { q.Set("sdkappid", "14x") }, code: 60006},
		{name: "sdkappid not ours", edit: func(t *testing.T, q url.Values) {
			q.Set("sdkappid", "1400000002")
			q.Set("usersig", sig(t, 1400000002, testKey, testAdmin, 86400))
		}, code: 60006},
		{name: "random missing", edit: func(t *testing.T, q url.Values) { q.Del("random") }, code: 60002},
		{name: "random over uint32", edit: func(t *testing.T, q url.Values) { q.Set("random", "4294967296") }, code: 60002},
		{name: "random negative", edit: func(t *testing.T, q url.Values) { q.Set("random", "-1") }, code: 60002},
		{name: "random max uint32", edit: func(t *testing.T, q url.Values) { q.Set("random", "4294967295") }, code: 0},
		{name: "contenttype missing", edit: func(t *testing.T, q url.Values) { q.Del("contenttype") }, code: 60002},
		{name: "contenttype xml", edit: func(t *testing.T, q url.Values) { q.Set("contenttype", "xml") }, code: 60002},
		{name: "empty usersig", edit: func(t *testing.T, q url.Values) { q.Set("usersig", "") }, code: 70002},
		{name: "garbage usersig", edit: func(t *testing.T, q url.Values) { q.Set("usersig", "not!a!sig") }, code: 70003},
		{name: "truncated usersig", edit: func(t *testing.T, q url.Values) {
			s := q.Get("usersig")
			q.Set("usersig", s[:len(s)/2])
		}, code: 70003},
		{name: "tampered usersig byte", edit: func(t *testing.T, q url.Values) {
			b := []byte(q.Get("usersig"))
			i := len(b) / 2
			b[i] = map[bool]byte{true: 'B', false: 'A'}[b[i] == 'A']
			q.Set("usersig", string(b))
		}, code: 70003},
		{name: "undecodable JSON inside", edit: func(t *testing.T, q url.Values) {
			q.Set("usersig", rawSig(t, []byte("{not json")))
		}, code: 70003},
		{name: "payload edited, HMAC kept", edit: func(t *testing.T, q url.Values) {
			q.Set("usersig", rawSig(t, fmt.Appendf(nil,
				`{"TLS.ver":"2.0","TLS.identifier":%q,"TLS.sdkappid":%d,"TLS.expire":999999999,"TLS.time":%d,"TLS.sig":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`,
				testAdmin, testAppID, now.Unix())))
		}, code: 70009},
		{name: "wrong key", edit: func(t *testing.T, q url.Values) {
			q.Set("usersig", sig(t, testAppID, strings.Repeat("0", 64), testAdmin, 86400))
		}, code: 70009},
		{name: "foreign SDKAppID signature", edit: func(t *testing.T, q url.Values) {
			q.Set("usersig", sig(t, 1400000002, testKey, testAdmin, 86400))
		}, code: 70014},
		{name: "identifier differs from sig", edit: func(t *testing.T, q url.Values) { q.Set("identifier", "bob") }, code: 70013},
		{name: "identifier not admin", edit: func(t *testing.T, q url.Values) {
			q.Set("identifier", "bob")
			q.Set("usersig", sig(t, testAppID, testKey, "bob", 86400))
		}, code: 60010},
		{name: "expired", edit: func(t *testing.T, q url.Values) {
			q.Set("usersig", sig(t, testAppID, testKey, testAdmin, 60))
		}, now: func() time.Time { return time.Now().Add(time.Hour) }, code: 70001},
		{name: "expired and wrong key", edit: func(t *testing.T, q url.Values) {
			q.Set("usersig", sig(t, testAppID, "other", testAdmin, 60))
		}, now: func() time.Time { return time.Now().Add(time.Hour) }, code: 70001},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, srv := newServer(t, Config{Seed: true, Now: tc.now})
			q := goodQuery(t)
			if tc.edit != nil {
				tc.edit(t, q)
			}
			method, command := tc.method, tc.path
			if method == "" {
				method = http.MethodPost
			}
			if command == "" {
				command = CmdGetRoomInfo
			}
			a := doRaw(t, method, commandURL(srv, command, q), `{"RoomId":"live_1001"}`)
			wantCode(t, a, tc.code)
			wantCalls := 0
			if tc.code == 0 {
				wantCalls = 1
			}
			if got := e.Calls(command); got != wantCalls {
				t.Errorf("Calls = %d, want %d (only admitted calls count)", got, wantCalls)
			}
		})
	}
}

func TestOtherServicePath(t *testing.T) {
	_, srv := newServer(t, Config{})
	a := doRaw(t, http.MethodPost, srv.URL+"/v4/group_open_http_svc/get_room_info?"+goodQuery(t).Encode(), `{}`)
	wantCode(t, a, 60009)
}

func TestBadBody(t *testing.T) {
	for _, body := range []string{"", "{", "[]", "null", `{"RoomId":"a"} x`, `"str"`} {
		t.Run(fmt.Sprintf("%q", body), func(t *testing.T) {
			_, srv := newServer(t, Config{Seed: true})
			wantCode(t, call(t, srv, CmdGetRoomInfo, body), 60003)
		})
	}
}

func TestRequestID(t *testing.T) {
	_, srv := newServer(t, Config{Seed: true})
	shape := regexp.MustCompile(`^Id-[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for i := range 100 {
		var a answer
		switch i % 3 {
		case 0:
			a = call(t, srv, CmdGetRoomInfo, `{"RoomId":"live_1001"}`)
		case 1:
			a = call(t, srv, CmdGetRoomInfo, `{"RoomId":"nope"}`)
		default:
			a = doRaw(t, http.MethodPost, srv.URL+APIPrefix+CmdGetRoomInfo, `{}`) // 60012
		}
		if !shape.MatchString(a.RequestID) {
			t.Fatalf("RequestId %q has the wrong shape", a.RequestID)
		}
		if seen[a.RequestID] {
			t.Fatalf("RequestId %q repeated", a.RequestID)
		}
		seen[a.RequestID] = true
	}
}
