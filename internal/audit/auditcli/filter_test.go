package auditcli

import (
	"net/url"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

func TestParseFilter(t *testing.T) {
	utc := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	cases := []struct {
		name    string
		query   string
		want    audit.Filter
		wantErr []string // keys with a message
	}{
		{name: "empty matches all", query: ""},
		{
			name:  "every field, trimmed",
			query: "room=+live-1+&actor=alice&action=room.update&outcome=unknown&request_id=Id-9&job=j1",
			want: audit.Filter{RoomID: "live-1", Actor: "alice", Action: audit.ActionRoomUpdate,
				Outcome: audit.OutcomeUnknown, RequestID: "Id-9", JobID: "j1"},
		},
		{
			name:  "datetime-local: to includes its minute",
			query: "from=2026-03-01T09:00&to=2026-03-01T09:30",
			want:  audit.Filter{From: utc("2026-03-01T09:00:00Z"), To: utc("2026-03-01T09:31:00Z")},
		},
		{
			name:  "dates: to includes the whole day",
			query: "from=2026-03-01&to=2026-03-01",
			want:  audit.Filter{From: utc("2026-03-01T00:00:00Z"), To: utc("2026-03-02T00:00:00Z")},
		},
		{
			name:  "seconds: to includes its second",
			query: "to=2026-03-01T09:30:15",
			want:  audit.Filter{To: utc("2026-03-01T09:30:16Z")},
		},
		{
			name:  "an explicit offset is converted to UTC",
			query: "from=2026-03-01T17:00:00%2B08:00",
			want:  audit.Filter{From: utc("2026-03-01T09:00:00Z")},
		},
		{name: "unparseable time", query: "from=yesterday&to=2026-13-01", wantErr: []string{"from", "to"}},
		{name: "to not after from", query: "from=2026-03-02&to=2026-03-01", wantErr: []string{"to"}},
		{name: "bad outcome", query: "outcome=pending", wantErr: []string{"outcome"}},
		{name: "bad action", query: "action=DROP+TABLE", wantErr: []string{"action"}},
		{name: "room not printable ASCII", query: "room=r%C3%A9", wantErr: []string{"room"}},
		{name: "room too long", query: "room=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", wantErr: []string{"room"}},
		{name: "request id with control char", query: "request_id=a%0Ab", wantErr: []string{"request_id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			f, errs := ParseFilter(q)
			if len(errs) != len(tc.wantErr) {
				t.Fatalf("errors = %v, want keys %v", errs, tc.wantErr)
			}
			for _, k := range tc.wantErr {
				if errs[k] == "" {
					t.Errorf("no message for %q; got %v", k, errs)
				}
			}
			if len(tc.wantErr) > 0 {
				return
			}
			if !f.From.Equal(tc.want.From) || !f.To.Equal(tc.want.To) {
				t.Errorf("range = [%v, %v), want [%v, %v)", f.From, f.To, tc.want.From, tc.want.To)
			}
			f.From, f.To, tc.want.From, tc.want.To = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if f != tc.want {
				t.Errorf("filter = %+v, want %+v", f, tc.want)
			}
		})
	}
}

func TestLocalInput(t *testing.T) {
	cases := []struct {
		in   string
		isTo bool
		want string
	}{
		{"2026-03-01T09:30", false, "2026-03-01T09:30"},
		{"2026-03-01T09:30", true, "2026-03-01T09:30"},
		{"2026-03-01", false, "2026-03-01T00:00"},
		{"2026-03-01", true, "2026-03-01T23:59"}, // resubmitted, still the whole day
		{"2026-03-01 09:30:15", true, "2026-03-01T09:30:15"},
		{"2026-03-01T17:00:00+08:00", false, "2026-03-01T09:00:00"},
		{"not a time", false, "not a time"},
	}
	for _, tc := range cases {
		if got := LocalInput(tc.in, tc.isTo); got != tc.want {
			t.Errorf("LocalInput(%q, %v) = %q, want %q", tc.in, tc.isTo, got, tc.want)
		}
		// What the form shows must select the same range when submitted.
		if tc.want == tc.in || tc.in == "not a time" {
			continue
		}
		key := map[bool]string{false: "from", true: "to"}[tc.isTo]
		a, _ := ParseFilter(url.Values{key: {tc.in}})
		b, _ := ParseFilter(url.Values{key: {tc.want}})
		if !a.From.Equal(b.From) || !a.To.Equal(b.To) {
			t.Errorf("%s=%q and %s=%q select different ranges", key, tc.in, key, tc.want)
		}
	}
}

func TestCleanQuery(t *testing.T) {
	q, _ := url.ParseQuery("room=+r1+&actor=&before=9&outcome=ok&junk=x")
	if got, want := CleanQuery(q).Encode(), "outcome=ok&room=r1"; got != want {
		t.Errorf("CleanQuery = %q, want %q", got, want)
	}
}
