package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A time the viewer's zone skips (New York's clocks go from 02:00 to 03:00
// on 10 March 2030) is refused with a message naming it and the zone, on
// the room form and the bulk form alike; before, 02:30 was silently
// scheduled for 03:30. Nothing is scheduled.
func TestScheduleRefusesATimeTheClocksSkip(t *testing.T) {
	env, op := newRoomsEnv(t)
	if r := op.PostForm("/account/timezone", url.Values{"timezone": {"America/New_York"}}); r.StatusCode != http.StatusOK {
		t.Fatalf("zone: %s", r)
	}
	const skipped = "2030-03-10 02:30"
	want := skipped + " does not exist in America/New_York"

	v := browserForm(t, op, seedRoom)
	v.Set("RoomName", "Later")
	v.Set("apply_at", skipped)
	r := post(op, seedRoom, v)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(testidText(t, r, "field-error-apply_at"), want) {
		t.Errorf("room form: %s", r)
	}

	form := url.Values{"rooms": {"live_1003"}, "change": {"Notice"}, "Notice": {"Campaign"}}
	d := doc(t, postMultipart(t, op, "/bulk/preview", form, ""))
	form.Set("digest", testid(d, "bulk-start").AttrOr("value", ""))
	form.Set("schedule", "1")
	form.Set("apply_at", "2030-03-09 12:00")
	form.Set("revert_at", skipped)
	r = postMultipart(t, op, "/bulk", form, "")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(testidText(t, r, "bulk-schedule-error"), want) {
		t.Errorf("bulk form: %s", r)
	}
	if list, err := env.Apps.Default().Schedule.List(context.Background(), 10); err != nil || len(list) != 0 {
		t.Errorf("scheduled %d (%v), want none", len(list), err)
	}
}
