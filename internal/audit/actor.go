package audit

// Actor is who does something, as the audit log records them: a signed-in
// user (built from the request by the handlers), the CLI ("cli:<OS user>",
// role admin) or the console itself ("system"). Before sign-in only the
// request's IP and user agent are known, and Name and Role are empty.
// One type for every package, so what a row says about its author is
// filled in one way, by SetActor.
type Actor struct {
	Name      string // username, "cli:<OS user>" or "system"
	Role      string // viewer, operator or admin; "" before sign-in
	IP        string
	UserAgent string
	// JobID is the bulk job acting for Name ("" for a single action); the
	// entries carry it so a job's edits can be reviewed together.
	JobID string
	// Note says on whose behalf or why the action happens when that is not
	// the actor's own edit ("reverts #12", "change request R-3 approved by
	// bob", "schedule S-4"). It goes into the entry's Detail, which the hash
	// covers; the features keep the links themselves in their own tables.
	Note string
}

// SetActor records a as the author of e.
func (e *Entry) SetActor(a Actor) {
	e.Actor, e.ActorRole, e.ClientIP, e.UserAgent, e.JobID = a.Name, a.Role, a.IP, a.UserAgent, a.JobID
	if a.Note != "" {
		e.Detail = a.Note
	}
}

// Who is the author of e, as SetActor recorded it.
func (e Entry) Who() Actor {
	return Actor{Name: e.Actor, Role: e.ActorRole, IP: e.ClientIP, UserAgent: e.UserAgent, JobID: e.JobID}
}
