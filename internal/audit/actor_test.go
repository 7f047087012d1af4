package audit

import "testing"

func TestActorRoundTrip(t *testing.T) {
	a := Actor{Name: "olga", Role: "operator", IP: "192.0.2.7", UserAgent: "ua", JobID: "job-1"}
	var e Entry
	e.SetActor(a)
	if e.Actor != "olga" || e.ActorRole != "operator" || e.ClientIP != "192.0.2.7" || e.UserAgent != "ua" || e.JobID != "job-1" {
		t.Errorf("SetActor filled %+v", e)
	}
	if got := e.Who(); got != a {
		t.Errorf("Who() = %+v, want %+v", got, a)
	}
}

func TestActorNoteGoesToDetail(t *testing.T) {
	var e Entry
	e.SetActor(Actor{Name: "olga", Note: "reverts #12"})
	if e.Detail != "reverts #12" {
		t.Errorf("Detail = %q, want the actor's note", e.Detail)
	}
	e = Entry{Detail: "kept"}
	e.SetActor(Actor{Name: "olga"})
	if e.Detail != "kept" {
		t.Errorf("an actor without a note replaced Detail: %q", e.Detail)
	}
}
