package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/roomdesk/roomdesk/internal/auth"
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
}
