package components

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
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

func TestTimeLayouts(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 3, 0, 123456000, time.FixedZone("CST", 8*3600))
	if got := Time(at); got != "2026-03-01 01:03:00 UTC" {
		t.Errorf("Time = %q", got)
	}
	if got := ExactTime(at); got != "2026-03-01 01:03:00.123456 UTC" {
		t.Errorf("ExactTime = %q", got)
	}
	if Time(time.Time{}) != "—" || ExactTime(time.Time{}) != "—" {
		t.Error("a zero time is not shown as —")
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
