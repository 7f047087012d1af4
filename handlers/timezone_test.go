package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/internal/db/dbtest"
)

// zoneT0 is an audit entry's instant in the zone tests: 07:04:05 UTC is
// 16:04:05 in Tokyo and 15:04:05 in Shanghai. It is in the future, since
// the log's times never run backwards (the sign-ins are logged now).
var zoneT0 = time.Date(2036, 11, 26, 7, 4, 5, 0, time.UTC)

func appendAt(t *testing.T, env *apptest.Env, at time.Time, actor string) audit.Entry {
	t.Helper()
	e := audit.Entry{Time: at, Kind: audit.KindEvent, Actor: actor, ActorRole: "viewer",
		Action: audit.ActionLoginFailed, Outcome: audit.OutcomeDenied, Detail: "zone test"}
	if err := env.Audit.Append(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// eachDialect runs test on SQLite and on PostgreSQL (skipped, saying so,
// when no test server is configured).
func eachDialect(t *testing.T, test func(*testing.T, apptest.Options)) {
	t.Run("sqlite", func(t *testing.T) { test(t, apptest.Options{}) })
	t.Run("postgres", func(t *testing.T) {
		test(t, apptest.Options{DatabaseURL: dbtest.NewPostgresDatabase(t)})
	})
}

// shownTime is what the page shows for the <time> whose datetime is at.
func shownTime(t *testing.T, r *apptest.Response, at time.Time) (text, title string) {
	t.Helper()
	sel := doc(t, r).Find(`time[datetime="` + at.UTC().Format(time.RFC3339Nano) + `"]`)
	if sel.Length() == 0 {
		t.Fatalf("no <time datetime=%q> on the page", at.UTC().Format(time.RFC3339Nano))
	}
	return sel.First().Text(), sel.First().AttrOr("title", "")
}

// TestTimesInUsersZone: a user who chooses Asia/Tokyo on /account sees
// every time at +9, with the UTC instant in datetime and the title; a bad
// zone is refused and changes nothing.
func TestTimesInUsersZone(t *testing.T) {
	eachDialect(t, testTimesInUsersZone)
}

func testTimesInUsersZone(t *testing.T, opts apptest.Options) {
	env := apptest.New(t, opts)
	env.CreateUser(t, "tomoko", auth.RoleViewer)
	c := env.Login(t, "tomoko")
	e := appendAt(t, env, zoneT0, "zone-actor")
	entry := "/audit/" + strconv.FormatInt(e.Seq, 10)

	if text, title := shownTime(t, c.Get("/audit?actor=zone-actor"), zoneT0); text != "2036-11-26 07:04:05 UTC" || title != "2036-11-26 07:04:05 UTC" {
		t.Errorf("no zone anywhere: %q (title %q), want UTC", text, title)
	}
	r := c.PostForm("/account/timezone", url.Values{"timezone": {"Asia/Tokyo"}})
	if r.StatusCode != http.StatusOK || testidText(t, r, "account-notice") == "" {
		t.Fatalf("saving the zone: %v", r)
	}
	if got := doc(t, r).Find(`[data-testid="zone-select"] option[selected]`).AttrOr("value", ""); got != "Asia/Tokyo" {
		t.Errorf("the select shows %q after saving", got)
	}
	text, title := shownTime(t, c.Get("/audit?actor=zone-actor"), zoneT0)
	if text != "2036-11-26 16:04:05 UTC+9" || title != "2036-11-26 07:04:05 UTC" {
		t.Errorf("/audit in Tokyo: %q (title %q)", text, title)
	}
	r = c.Get(entry)
	if got := testidText(t, r, "entry-time"); got != "2036-11-26 16:04:05.000000 UTC+9" {
		t.Errorf("the entry's exact time in Tokyo: %q", got)
	}
	if got := testid(doc(t, r), "entry-time").AttrOr("datetime", ""); got != "2036-11-26T07:04:05Z" {
		t.Errorf("the entry's datetime: %q", got)
	}

	// Names that load here but are not offered: host-only tz files, and a
	// real zone outside the list.
	for _, bad := range []string{"Mars/Olympus", "Local", "UTC+9", "right/UTC", "posixrules", "Asia/Kathmandu"} {
		r = c.PostForm("/account/timezone", url.Values{"timezone": {bad}})
		if r.StatusCode != http.StatusUnprocessableEntity || testidText(t, r, "zone-error") == "" {
			t.Errorf("zone %q: %v, want 422 with a message", bad, r)
		}
	}
	if text, _ := shownTime(t, c.Get("/audit?actor=zone-actor"), zoneT0); text != "2036-11-26 16:04:05 UTC+9" {
		t.Errorf("a refused zone changed the saved one: %q", text)
	}
	u, err := env.Auth.ByUsername(context.Background(), "tomoko")
	if err != nil || u.Timezone != "Asia/Tokyo" {
		t.Errorf("users.timezone = %q (%v)", u.Timezone, err)
	}
}

// TestTimesInServerDefaultZone: ROOMDESK_TIMEZONE is the zone of users
// who chose none; choosing the server default again follows it.
func TestTimesInServerDefaultZone(t *testing.T) {
	env := apptest.New(t, apptest.Options{Environ: map[string]string{"ROOMDESK_TIMEZONE": "Asia/Shanghai"}})
	env.CreateUser(t, "wang", auth.RoleViewer)
	c := env.Login(t, "wang")
	appendAt(t, env, zoneT0, "zone-actor")
	if text, _ := shownTime(t, c.Get("/audit?actor=zone-actor"), zoneT0); text != "2036-11-26 15:04:05 UTC+8" {
		t.Errorf("server default Asia/Shanghai: %q", text)
	}
	r := c.Get("/account")
	def := doc(t, r).Find(`[data-testid="zone-select"] option[value=""]`)
	if !def.Is("[selected]") || def.Text() != "Server default (Asia/Shanghai)" {
		t.Errorf("default option %q (selected %v)", def.Text(), def.Is("[selected]"))
	}
	c.PostForm("/account/timezone", url.Values{"timezone": {"Asia/Tokyo"}})
	c.PostForm("/account/timezone", url.Values{"timezone": {""}})
	if text, _ := shownTime(t, c.Get("/audit?actor=zone-actor"), zoneT0); text != "2036-11-26 15:04:05 UTC+8" {
		t.Errorf("back to the server default: %q", text)
	}
}

// TestAuditFilterInUsersZone: the filter's times are the viewer's wall
// clock. 16:00–16:10 in Tokyo selects the entry at 07:04:05 UTC, and not
// the one at 16:05 UTC, which reading the same text as UTC would select;
// the form says the zone, shows the times back in it, and the export
// link selects the same rows.
func TestAuditFilterInUsersZone(t *testing.T) {
	eachDialect(t, testAuditFilterInUsersZone)
}

func testAuditFilterInUsersZone(t *testing.T, opts apptest.Options) {
	env := apptest.New(t, opts)
	env.CreateUser(t, "tomoko", auth.RoleViewer)
	c := env.Login(t, "tomoko")
	a := appendAt(t, env, zoneT0, "zone-actor")                                         // 16:04:05 in Tokyo
	b := appendAt(t, env, time.Date(2036, 11, 26, 16, 5, 0, 0, time.UTC), "zone-actor") // 16:05 UTC
	c.PostForm("/account/timezone", url.Values{"timezone": {"Asia/Tokyo"}})
	seqs := func(r *apptest.Response) []string {
		t.Helper()
		var out []string
		doc(t, r).Find(`[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.AttrOr("data-seq", ""))
		})
		return out
	}
	want := []string{strconv.FormatInt(a.Seq, 10)}
	// What the form sends: the viewer's zone in tz.
	r := c.Get("/audit?actor=zone-actor&from=2036-11-26+16:00&to=2036-11-26+16:10&tz=Asia/Tokyo")
	if got := seqs(r); !slices.Equal(got, want) {
		t.Errorf("Tokyo 16:00–16:10 selected %v, want %v (entry %d is 16:05 UTC)", got, want, b.Seq)
	}
	d := doc(t, r)
	if got := d.Find(`label[for="f-from"]`).Text(); got != "From (Asia/Tokyo)" {
		t.Errorf("from label %q", got)
	}
	if got := d.Find(`#f-to`).AttrOr("value", ""); got != "2036-11-26 16:10" {
		t.Errorf("to shown as %q", got)
	}
	if got := d.Find(`#f-from`).AttrOr("type", ""); got != "text" {
		t.Errorf("from is a %q input, want text (one format, not the browser's picker)", got)
	}
	if got := d.Find(`input[name="tz"]`).AttrOr("value", ""); got != "Asia/Tokyo" {
		t.Errorf("the form sends tz=%q", got)
	}
	csv := c.Get(testid(d, "export-csv").AttrOr("href", ""))
	if n := strings.Count(csv.Body, "\n"); n != 2 {
		t.Errorf("the export of the same filter has %d lines, want header + 1:\n%s", n, csv.Body)
	}
	// The same text read as UTC (a link without tz, as before zones) is
	// another range: the other entry.
	if got := seqs(c.Get("/audit?actor=zone-actor&from=2036-11-26+16:00&to=2036-11-26+16:10")); !slices.Equal(got, []string{strconv.FormatInt(b.Seq, 10)}) {
		t.Errorf("UTC 16:00–16:10 selected %v, want [%d]", got, b.Seq)
	}
	// ... and the form shows that UTC range in Tokyo time.
	r = c.Get("/audit?actor=zone-actor&from=2036-11-26+16:00")
	if got := doc(t, r).Find(`#f-from`).AttrOr("value", ""); got != "2036-11-27 01:00" {
		t.Errorf("a UTC link's from shown in Tokyo as %q", got)
	}
	// A bad time is explained in the reader's language, naming the zone.
	r = c.Get("/audit?from=26/11/2036&tz=Asia/Tokyo", "Accept-Language", "zh-CN")
	if msg := doc(t, r).Find("#audit-err-from").Text(); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(msg, "Asia/Tokyo") || !strings.Contains(msg, "不是有效的时间") {
		t.Errorf("bad from: %d %q", r.StatusCode, msg)
	}
	if r := c.Get("/audit?from=2036-11-26&tz=Mars/Olympus"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown tz: %d", r.StatusCode)
	}
}
