package audit

import (
	"net/url"
	"testing"
	"time"
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
		want    Filter
		wantErr []string // keys with a message
	}{
		{name: "empty matches all", query: ""},
		{
			name:  "every field, trimmed",
			query: "room=+live-1+&actor=alice&action=room.update&outcome=unknown&request_id=Id-9&job=j1&app=prod-cn",
			want: Filter{RoomID: "live-1", Actor: "alice", Action: ActionRoomUpdate,
				Outcome: OutcomeUnknown, RequestID: "Id-9", JobID: "j1", App: "prod-cn"},
		},
		{
			name:  "datetime-local: to includes its minute",
			query: "from=2026-03-01T09:00&to=2026-03-01T09:30",
			want:  Filter{From: utc("2026-03-01T09:00:00Z"), To: utc("2026-03-01T09:31:00Z")},
		},
		{
			name:  "dates: to includes the whole day",
			query: "from=2026-03-01&to=2026-03-01",
			want:  Filter{From: utc("2026-03-01T00:00:00Z"), To: utc("2026-03-02T00:00:00Z")},
		},
		{
			name:  "seconds: to includes its second",
			query: "to=2026-03-01T09:30:15",
			want:  Filter{To: utc("2026-03-01T09:30:16Z")},
		},
		{
			name:  "an explicit offset is converted to UTC",
			query: "from=2026-03-01T17:00:00%2B08:00",
			want:  Filter{From: utc("2026-03-01T09:00:00Z")},
		},
		{
			name:  "tz: times are that zone's wall clock",
			query: "from=2026-03-01+09:00&to=2026-03-01+09:30&tz=Asia/Tokyo",
			want:  Filter{From: utc("2026-03-01T00:00:00Z"), To: utc("2026-03-01T00:31:00Z")},
		},
		{
			name:  "tz: a whole day is that zone's day (23 hours on a spring-forward)",
			query: "from=2026-03-08&to=2026-03-08&tz=America/New_York",
			want:  Filter{From: utc("2026-03-08T05:00:00Z"), To: utc("2026-03-09T04:00:00Z")},
		},
		{
			name:  "tz: an explicit offset still wins",
			query: "from=2026-03-01T17:00:00%2B08:00&tz=Asia/Tokyo",
			want:  Filter{From: utc("2026-03-01T09:00:00Z")},
		},
		{name: "unknown tz", query: "from=2026-03-01&tz=Mars/Olympus", wantErr: []string{"tz"}},
		{name: "unparseable time", query: "from=yesterday&to=2026-13-01", wantErr: []string{"from", "to"}},
		{name: "to not after from", query: "from=2026-03-02&to=2026-03-01", wantErr: []string{"to"}},
		{name: "bad outcome", query: "outcome=pending", wantErr: []string{"outcome"}},
		{name: "bad action", query: "action=DROP+TABLE", wantErr: []string{"action"}},
		{name: "room not printable ASCII", query: "room=r%C3%A9", wantErr: []string{"room"}},
		{name: "room too long", query: "room=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", wantErr: []string{"room"}},
		{name: "request id with control char", query: "request_id=a%0Ab", wantErr: []string{"request_id"}},
		{name: "app not a slug", query: "app=Prod+CN", wantErr: []string{"app"}},
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

func TestCleanQuery(t *testing.T) {
	q, _ := url.ParseQuery("room=+r1+&actor=&before=9&outcome=ok&junk=x")
	q.Set("tz", "Asia/Tokyo") // without a time it applies to, tz is noise
	if got, want := CleanQuery(q).Encode(), "outcome=ok&room=r1"; got != want {
		t.Errorf("CleanQuery = %q, want %q", got, want)
	}
}
