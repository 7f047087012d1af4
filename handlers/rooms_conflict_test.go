package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roomdesk/roomdesk/internal/app/apptest"
	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/auth"
	"github.com/roomdesk/roomdesk/views/components"
)

// TestConflictNamesWhoChangedIt: when the other change went through
// roomdesk, the conflict panel names its author and links the entry; when
// it came from elsewhere, it says so instead of blaming the last editor.
func TestConflictNamesWhoChangedIt(t *testing.T) {
	env, olga := newRoomsEnv(t)
	env.CreateUser(t, "otto", auth.RoleOperator)
	otto := env.Login(t, "otto")

	stale := browserForm(t, otto, seedRoom) // otto opens the form first
	v := browserForm(t, olga, seedRoom)
	v.Set("RoomName", "Olga's name")
	if r := post(olga, seedRoom, v); r.StatusCode != http.StatusOK {
		t.Fatalf("olga's edit: %s", r)
	}
	stale.Set("RoomName", "Otto's name")
	r := post(otto, seedRoom, stale)
	by := strings.Join(strings.Fields(testid(doc(t, r), "conflict-by").Text()), " ")
	if r.StatusCode != http.StatusConflict || !strings.HasPrefix(by, "olga ") || !strings.Contains(by, "#") {
		t.Fatalf("conflict by %q: %s", by, r)
	}

	// The same field changed again outside roomdesk: olga's entry no longer
	// explains the value, so nobody is named.
	stale = browserForm(t, otto, seedRoom)
	room, _ := env.Emulator.Room(seedRoom)
	room.RoomName = "Changed elsewhere"
	env.Emulator.PutRoom(room)
	stale.Set("RoomName", "Otto again")
	r = post(otto, seedRoom, stale)
	by = testid(doc(t, r), "conflict-by").Text()
	if r.StatusCode != http.StatusConflict || strings.Contains(by, "olga") || !strings.Contains(by, "not through roomdesk") {
		t.Fatalf("outside change attributed: %q", by)
	}

	// An edit logged before entries named their app (App "") was made in
	// the default app: it explains the value there, and not in another
	// app that has a room of the same id.
	in := audit.Entry{Time: time.Now(), Kind: audit.KindIntent, Actor: "lena", ActorRole: "operator",
		Action: audit.ActionRoomUpdate, RoomID: seedRoom, Changes: []audit.Change{{Field: "RoomName", Before: `"x"`, After: `"Legacy name"`}}}
	if err := env.Audit.Append(t.Context(), &in); err != nil {
		t.Fatal(err)
	}
	res := audit.Entry{Time: in.Time, Kind: audit.KindResult, IntentSeq: in.Seq, Actor: "lena", ActorRole: "operator",
		Action: audit.ActionRoomUpdate, RoomID: seedRoom, ActionStatus: "OK", Outcome: audit.OutcomeOK}
	if err := env.Audit.Append(t.Context(), &res); err != nil {
		t.Fatal(err)
	}
	for _, app := range []struct {
		id, path string
		named    bool
	}{{"demo-cn", components.RoomURL(seedRoom), true}, {"demo-sg", "/apps/demo-sg/rooms/" + seedRoom, false}} {
		stale := appForm(t, otto, app.path)
		room, _ := env.Emulators[app.id].Room(seedRoom)
		room.RoomName = "Legacy name"
		env.Emulators[app.id].PutRoom(room)
		stale.Set("RoomName", "Otto once more")
		r := otto.PostForm(app.path, stale, apptest.HTMX...)
		by := testid(doc(t, r), "conflict-by").Text()
		if r.StatusCode != http.StatusConflict || strings.Contains(by, "lena") != app.named {
			t.Errorf("%s: the unnamed-app entry attributed %v, want %v: %q", app.id, strings.Contains(by, "lena"), app.named, by)
		}
	}
}
