package components

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/roomdesk/roomdesk/internal/localtime"
)

func TestLatencyIsOneFormat(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{4200 * time.Microsecond, "4.2 ms"},
		{87 * time.Millisecond, "87 ms"},
		{1200 * time.Millisecond, "1.2 s"}, // the result panel and the audit log alike
		{12 * time.Second, "12.0 s"},
	}
	for _, tc := range tests {
		if got := Latency(tc.d); got != tc.want {
			t.Errorf("Latency(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestTimeInViewersZone: a time renders in the zone the context carries,
// with its offset, and the UTC instant in datetime and the title.
func TestTimeInViewersZone(t *testing.T) {
	at := time.Date(2026, 3, 1, 1, 3, 0, 123456000, time.UTC)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	render := func(ctx context.Context, c templ.Component) string {
		var b bytes.Buffer
		if err := c.Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	tests := []struct {
		name string
		ctx  context.Context
		c    templ.Component
		want string
	}{
		{"no zone is UTC", context.Background(), Time(at),
			`<time datetime="2026-03-01T01:03:00.123456Z" title="2026-03-01 01:03:00 UTC">2026-03-01 01:03:00 UTC</time>`},
		{"Tokyo", localtime.With(context.Background(), tokyo), Time(at),
			`<time datetime="2026-03-01T01:03:00.123456Z" title="2026-03-01 01:03:00 UTC">2026-03-01 10:03:00 UTC+9</time>`},
		{"exact", localtime.With(context.Background(), tokyo), ExactTime(at),
			`<time datetime="2026-03-01T01:03:00.123456Z" title="2026-03-01 01:03:00 UTC">2026-03-01 10:03:00.123456 UTC+9</time>`},
		{"zero", localtime.With(context.Background(), tokyo), Time(time.Time{}), `<span>—</span>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(tc.ctx, tc.c); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	if got := TimeText(localtime.With(context.Background(), tokyo), at); got != "2026-03-01 10:03:00 UTC+9" {
		t.Errorf("TimeText = %q", got)
	}
}

func TestURLs(t *testing.T) {
	if got := RoomURL("live/ops #7?x"); got != "/rooms/live%2Fops%20%237%3Fx" {
		t.Errorf("RoomURL = %q", got)
	}
	if got := AuditEntryURL(42); got != "/audit/42" {
		t.Errorf("AuditEntryURL = %q", got)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPagerDrawsOnlyTheLinksItHas(t *testing.T) {
	render := func(p Pager) string {
		var b bytes.Buffer
		if err := PagerNav(p).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if got := render(Pager{Label: "Pages"}); got != "" {
		t.Errorf("no links drew %q", got)
	}
	got := render(Pager{Label: "Pages", Target: "#t", Next: PageLink{URL: "/rooms?cursor=a&b", Text: "Next", Rel: "next", TestID: "next-page"}})
	for _, want := range []string{`aria-label="Pages"`, `href="/rooms?cursor=a&amp;b"`, `hx-target="#t"`, `rel="next"`, `data-testid="next-page"`} {
		if !strings.Contains(got, want) {
			t.Errorf("pager lacks %s: %s", want, got)
		}
	}
	if strings.Contains(got, `rel="prev"`) || strings.Contains(got, "hx-indicator") {
		t.Errorf("pager drew what it was not given: %s", got)
	}
}
