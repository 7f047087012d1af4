package bulk

import (
	"context"
	"errors"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// ErrForbidden is returned when someone other than the job's creator or an
// admin tries to cancel it: an operator may stop their own jobs, not a
// colleague's.
var ErrForbidden = errors.New("bulk: only the job's creator or an admin may cancel it")

// runnerActor is the actor of what the background runner does on a job's
// behalf (starting and finishing it); the entry's detail names the creator.
var runnerActor = audit.Actor{Name: "system:bulk-runner"}

// event audits one step of a job: created, started, cancelled (and by
// whom), a refused cancellation, finished. The job id is on the entry, so
// the job's own room edits and its life read together. A failure is
// logged, not returned: the step it records has already happened.
func (s *Service) event(ctx context.Context, actor audit.Actor, action string, jobID int64, outcome, detail string) {
	if s.opts.Log == nil {
		return
	}
	e := audit.Entry{Kind: audit.KindEvent, Action: action, Outcome: outcome, Detail: detail}
	e.SetActor(actor)
	e.JobID, e.App = JobKey(jobID), s.opts.App
	if err := s.opts.Log.Append(context.WithoutCancel(ctx), &e); err != nil {
		s.opts.Logger.Error("bulk: audit append failed", "action", action, "job", jobID, "err", err)
	}
}

// mayCancel applies the cancel rule to a job.
func mayCancel(actor audit.Actor, j Job) bool {
	return actor.Name == j.CreatedBy || actor.Role == "admin"
}

func cancelDetail(j Job) string {
	return fmt.Sprintf("job %d created by %s (%d rooms)", j.ID, j.CreatedBy, j.Total)
}
