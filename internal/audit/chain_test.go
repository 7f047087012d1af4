package audit

import (
	"os"
	"strings"
	"testing"
	"time"
)

// exampleEntry is the worked example in docs/AUDIT.md.
func exampleEntry() Entry {
	return Entry{
		Seq:         1,
		Time:        time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC),
		Kind:        KindIntent,
		Actor:       "alice",
		ActorRole:   "operator",
		ClientIP:    "203.0.113.7",
		UserAgent:   "Mozilla/5.0",
		Action:      ActionRoomUpdate,
		RoomID:      "live-42",
		Changes:     []Change{{Field: "RoomName", Before: `"Morning show"`, After: `"Évening \"show\""`}},
		RequestBody: `{"RoomInfo":{"RoomId":"live-42","RoomName":"Évening \"show\""}}`,
		Outcome:     OutcomePending,
		PrevHash:    GenesisHash,
	}
}

// The doc's worked example must be what the code computes, byte for byte.
func TestWorkedExampleMatchesDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/AUDIT.md")
	if err != nil {
		t.Fatal(err)
	}
	e := exampleEntry()
	for _, want := range []string{string(Canonical(e)), ComputeHash(GenesisHash, e)} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/AUDIT.md does not contain %s", want)
		}
	}
}

func TestCanonicalEscapes(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"q\"b\\s/", `"q\"b\\s/"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f" + `"`},
		{"<&> \u2028 房", `"<&> ` + "\u2028" + ` 房"`},
	}
	for _, tc := range cases {
		if got := string(appendQuoted(nil, tc.in)); got != tc.want {
			t.Errorf("appendQuoted(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestCanonicalCoversEveryField(t *testing.T) {
	e := exampleEntry()
	h := ComputeHash(GenesisHash, e)
	mutations := map[string]func(*Entry){
		"Seq": func(e *Entry) { e.Seq++ }, "Time": func(e *Entry) { e.Time = e.Time.Add(time.Microsecond) },
		"Kind": func(e *Entry) { e.Kind = KindEvent }, "IntentSeq": func(e *Entry) { e.IntentSeq = 1 },
		"Actor": func(e *Entry) { e.Actor += "x" }, "ActorRole": func(e *Entry) { e.ActorRole += "x" },
		"ClientIP": func(e *Entry) { e.ClientIP += "x" }, "UserAgent": func(e *Entry) { e.UserAgent += "x" },
		"Action": func(e *Entry) { e.Action += "x" }, "RoomID": func(e *Entry) { e.RoomID += "x" },
		"JobID": func(e *Entry) { e.JobID += "x" }, "Changes": func(e *Entry) { e.Changes = nil },
		"RequestBody": func(e *Entry) { e.RequestBody += "x" }, "ResponseBody": func(e *Entry) { e.ResponseBody += "x" },
		"ActionStatus": func(e *Entry) { e.ActionStatus += "x" }, "ErrorCode": func(e *Entry) { e.ErrorCode++ },
		"ErrorInfo": func(e *Entry) { e.ErrorInfo += "x" }, "RequestID": func(e *Entry) { e.RequestID += "x" },
		"Outcome": func(e *Entry) { e.Outcome += "x" }, "Attempts": func(e *Entry) { e.Attempts++ },
		"LatencyMS": func(e *Entry) { e.LatencyMS++ }, "Detail": func(e *Entry) { e.Detail += "x" },
		"App": func(e *Entry) { e.App = "prod-cn" },
	}
	for name, mutate := range mutations {
		m := exampleEntry()
		mutate(&m)
		if ComputeHash(GenesisHash, m) == h {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
	if ComputeHash("1"+GenesisHash[1:], e) == h {
		t.Error("the previous hash does not change the hash")
	}
}

// The app joins the encoding last and only when set: a row without one
// encodes (and hashes) exactly as before apps existed, which the worked
// example above also holds to the byte.
func TestCanonicalApp(t *testing.T) {
	e := exampleEntry()
	before := string(Canonical(e))
	if strings.Contains(before, `"app"`) {
		t.Fatalf("a row without an app has an app key: %s", before)
	}
	e.App = "prod-cn"
	got := string(Canonical(e))
	if want := strings.TrimSuffix(before, "}") + `,"app":"prod-cn"}`; got != want {
		t.Errorf("with app:\n%s\nwant\n%s", got, want)
	}
}

func TestNormalize(t *testing.T) {
	cs := []Change{{Field: "a\x00", Before: "ok", After: "\xff"}}
	e := Entry{Detail: "x\x00y", Changes: cs, Time: time.Date(2026, 1, 1, 8, 0, 0, 1999, time.FixedZone("X", 3600))}
	Normalize(&e)
	if e.Detail != "x\uFFFDy" || e.Changes[0].Field != "a\uFFFD" || e.Changes[0].After != "\uFFFD" {
		t.Errorf("Normalize gave %q %+v", e.Detail, e.Changes)
	}
	if cs[0].Field != "a\x00" {
		t.Error("Normalize changed the caller's Changes slice")
	}
	if want := time.Date(2026, 1, 1, 7, 0, 0, 1000, time.UTC); !e.Time.Equal(want) || e.Time.Location() != time.UTC {
		t.Errorf("Time = %v, want %v", e.Time, want)
	}
}
