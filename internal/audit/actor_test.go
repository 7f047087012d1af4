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
