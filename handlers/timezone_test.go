package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
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
	env := apptest.New(t, apptest.Options{})
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

	for _, bad := range []string{"Mars/Olympus", "Local", "UTC+9"} {
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
