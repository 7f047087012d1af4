package approval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
)

// Decision is what approving a request came to.
type Decision struct {
	Request Request
	// Result is the room update's (KindRoom), when Update returned one.
	Result *rooms.Result
	// Conflict is set when a field changed since the request (StatusStale).
	Conflict *rooms.ConflictError
	// Err is why the change could not be run after the approval (the room
	// could not be re-read, the audit log was down...): the request stays
	// approved, its outcome failed.
	Err error
}

// Approve decides a pending request of app for actor and runs its change at
// once, as actor, with a Note naming the request and the requester. Errors
// (nothing decided): ErrNotFound; ErrSelfApproval, audited as a refusal;
// ErrExpired, when the request's time ran out (it is marked expired then);
// *DecidedError when someone decided first; *InputError for a bad comment.
func (s *Service) Approve(ctx context.Context, actor audit.Actor, app string, id int64, comment string) (Decision, error) {
	r, comment, err := s.decidable(ctx, actor, app, id, comment, true)
	if err != nil {
		return Decision{}, err
	}
	if err := s.claim(ctx, &r, StatusApproved, actor.Name, comment); err != nil {
		return Decision{}, err
	}
	detail := fmt.Sprintf("%s (%s by %s) approved by %s", r.Ref(), r.Summary(), r.RequestedBy, actor.Name)
	if comment != "" {
		detail += ": " + comment
	}
	e := s.entry(actor, r, audit.ActionRequestApprove, audit.OutcomeOK, detail)
	if err := s.record(ctx, r.ID, StepApprove, &e); err != nil {
		// The decision stands in the table but could not be recorded: do
		// not run an unrecorded approval's change.
		s.finish(ctx, &r, r.Status, audit.OutcomeFailed, "not applied: the approval could not be written to the audit log", "", 0)
		return Decision{Request: r, Err: err}, nil
	}
	run := actor
	run.Note = fmt.Sprintf("request %s by %s, approved by %s", r.Ref(), r.RequestedBy, actor.Name)
	if r.Kind == KindBulk {
		return s.startJob(ctx, run, r), nil
	}
	return s.applyRoom(ctx, run, r), nil
}

// applyRoom runs an approved room request through the app's Update, with
// original = the values the requester saw.
func (s *Service) applyRoom(ctx context.Context, actor audit.Actor, r Request) Decision {
	d := Decision{Request: r}
	up, ok := s.opts.Rooms(r.App)
	if !ok {
		d.Err = fmt.Errorf("approval: %s: app %q is not served here", r.Ref(), r.App)
		s.finish(ctx, &d.Request, r.Status, audit.OutcomeFailed, d.Err.Error(), "", 0)
		return d
	}
	submitted, original := r.Forms()
	res, err := up.Update(ctx, actor, r.RoomID, submitted, original)
	var ce *rooms.ConflictError
	switch {
	case errors.As(err, &ce):
		d.Conflict = ce
		msg := staleMessage(ce)
		e := s.entry(actor, r, audit.ActionRequestApprove, audit.OutcomeFailed, r.Ref()+" not applied: "+msg)
		if err := s.record(ctx, r.ID, StepStale, &e); err != nil {
			s.opts.Logger.Error("approval: audit stale", "request", r.Ref(), "err", err)
		}
		s.finish(ctx, &d.Request, StatusStale, audit.OutcomeFailed, msg, "", 0)
	case err != nil:
		d.Err = err
		s.finish(ctx, &d.Request, r.Status, audit.OutcomeFailed, "not applied: "+err.Error(), "", 0)
	default:
		d.Result = &res
		if res.IntentSeq != 0 {
			if err := s.link(ctx, r.ID, res.IntentSeq, StepUpdate); err != nil {
				s.opts.Logger.Error("approval: link update", "request", r.Ref(), "err", err)
			}
		}
		s.finish(ctx, &d.Request, r.Status, res.Outcome, res.Message, res.RequestID, 0)
	}
	return d
}

// staleMessage names what changed since the request, for people.
func staleMessage(ce *rooms.ConflictError) string {
	parts := make([]string, len(ce.Conflicts))
	for i, c := range ce.Conflicts {
		parts[i] = fmt.Sprintf("%s was %q when requested and is now %q", rooms.Label(c.Field), c.Original, c.Theirs)
	}
	return "changed by someone else since it was requested, so nothing was sent: " + strings.Join(parts, "; ")
}

// startJob creates the approved bulk job, as the approver.
func (s *Service) startJob(ctx context.Context, actor audit.Actor, r Request) Decision {
	d := Decision{Request: r}
	jobs, ok := s.opts.Jobs(r.App)
	var plan bulk.Plan
	if !ok {
		d.Err = fmt.Errorf("approval: %s: app %q runs no bulk jobs here", r.Ref(), r.App)
	} else if err := json.Unmarshal([]byte(r.Plan), &plan); err != nil {
		d.Err = fmt.Errorf("approval: %s: plan: %w", r.Ref(), err)
	}
	if d.Err == nil {
		job, err := jobs.Create(ctx, actor, plan)
		if err != nil {
			d.Err = err
		} else {
			s.linkJob(ctx, r.ID, job.ID)
			s.finish(ctx, &d.Request, r.Status, "started", "bulk job "+strconv.FormatInt(job.ID, 10)+" started", "", job.ID)
			return d
		}
	}
	s.finish(ctx, &d.Request, r.Status, audit.OutcomeFailed, "not started: "+d.Err.Error(), "", 0)
	return d
}

// linkJob links the job's bulk.create entry to the request.
func (s *Service) linkJob(ctx context.Context, id, job int64) {
	page, err := s.log.List(ctx, audit.Filter{Action: audit.ActionBulkCreate, JobID: strconv.FormatInt(job, 10)}, 0, 1)
	if err == nil && len(page.Records) > 0 {
		err = s.link(ctx, id, page.Records[0].Entry.Seq, StepJob)
	}
	if err != nil {
		s.opts.Logger.Error("approval: link job", "request", Ref(id), "job", job, "err", err)
	}
}

// Reject decides a pending request of app against its change.
func (s *Service) Reject(ctx context.Context, actor audit.Actor, app string, id int64, comment string) (Request, error) {
	r, comment, err := s.decidable(ctx, actor, app, id, comment, true)
	if err != nil {
		return Request{}, err
	}
	if err := s.claim(ctx, &r, StatusRejected, actor.Name, comment); err != nil {
		return Request{}, err
	}
	detail := fmt.Sprintf("%s (%s by %s) rejected by %s", r.Ref(), r.Summary(), r.RequestedBy, actor.Name)
	if comment != "" {
		detail += ": " + comment
	}
	e := s.entry(actor, r, audit.ActionRequestReject, audit.OutcomeOK, detail)
	return r, s.record(ctx, r.ID, StepReject, &e)
}

// Cancel withdraws a pending request; only its requester may.
func (s *Service) Cancel(ctx context.Context, actor audit.Actor, app string, id int64) (Request, error) {
	r, _, err := s.decidable(ctx, actor, app, id, "", false)
	if err != nil {
		return Request{}, err
	}
	if actor.Name != r.RequestedBy {
		return Request{}, ErrNotRequester
	}
	if err := s.claim(ctx, &r, StatusCancelled, actor.Name, ""); err != nil {
		return Request{}, err
	}
	e := s.entry(actor, r, audit.ActionRequestCancel, audit.OutcomeOK,
		fmt.Sprintf("%s (%s) cancelled by its requester %s", r.Ref(), r.Summary(), actor.Name))
	return r, s.record(ctx, r.ID, StepCancel, &e)
}

// decidable reads a request and checks it can be decided by actor now:
// still pending, not expired (by the injected clock, whether or not the
// sweeper has run), and, for approval and rejection, not the requester's.
func (s *Service) decidable(ctx context.Context, actor audit.Actor, app string, id int64, comment string, decide bool) (Request, string, error) {
	comment = strings.TrimSpace(comment)
	if len(comment) > MaxComment {
		return Request{}, "", &InputError{Code: CodeCommentTooLong, Message: fmt.Sprintf("the comment is too long (at most %d bytes)", MaxComment)}
	}
	r, err := s.Get(ctx, app, id)
	if err != nil {
		return Request{}, "", err
	}
	if r.Status != StatusPending {
		return Request{}, "", &DecidedError{Ref: r.Ref(), Status: r.Status, By: r.DecidedBy}
	}
	if !s.opts.Now().Before(r.ExpiresAt) {
		s.expire(ctx, r)
		return Request{}, "", ErrExpired
	}
	if decide && actor.Name == r.RequestedBy {
		e := s.entry(actor, r, audit.ActionDenied, audit.OutcomeDenied,
			fmt.Sprintf("%s: self-approval refused: %s requested this change; another operator or admin of the app must decide it",
				r.Ref(), r.RequestedBy))
		if err := s.record(ctx, r.ID, StepRefused, &e); err != nil {
			s.opts.Logger.Error("approval: audit refusal", "request", r.Ref(), "err", err)
		}
		return Request{}, "", ErrSelfApproval
	}
	return r, comment, nil
}

// claim moves a pending, unexpired request to status in one conditional
// UPDATE: of two deciders at once exactly one changes the row.
func (s *Service) claim(ctx context.Context, r *Request, status, by, comment string) error {
	now := s.opts.Now().UTC()
	res, err := s.db.ExecContext(ctx, `UPDATE approval_requests SET status = $1, decided_by = $2, decided_at_us = $3, comment = $4
		WHERE id = $5 AND status = $6 AND expires_at_us > $7`, status, by, micros(now), comment, r.ID, StatusPending, micros(now))
	if err != nil {
		return fmt.Errorf("approval: decide %s: %w", r.Ref(), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("approval: decide %s: %w", r.Ref(), err)
	} else if n == 0 {
		now, err := s.Get(ctx, r.App, r.ID)
		if err != nil {
			return err
		}
		if now.Status == StatusPending { // it expired in between
			s.expire(ctx, now)
			return ErrExpired
		}
		return &DecidedError{Ref: r.Ref(), Status: now.Status, By: now.DecidedBy}
	}
	r.Status, r.DecidedBy, r.DecidedAt, r.Comment = status, by, now, comment
	return nil
}

// finish records what an approved request came to.
func (s *Service) finish(ctx context.Context, r *Request, status, outcome, message, requestID string, job int64) {
	r.Status, r.Outcome, r.Message, r.TencentRequestID, r.JobID = status, outcome, safetext.Clip(message, 2*safetext.DefaultMax), requestID, job
	_, err := s.db.ExecContext(context.WithoutCancel(ctx), `UPDATE approval_requests SET status = $1, outcome = $2, message = $3,
		tencent_request_id = $4, job_id = $5 WHERE id = $6`, r.Status, r.Outcome, r.Message, r.TencentRequestID, r.JobID, r.ID)
	if err != nil {
		s.opts.Logger.Error("approval: record outcome", "request", r.Ref(), "outcome", outcome, "err", err)
	}
}

// expire marks one pending request expired if its time is up, auditing it
// (request.expire, by the console) once whoever gets there first.
func (s *Service) expire(ctx context.Context, r Request) bool {
	now := s.opts.Now().UTC()
	res, err := s.db.ExecContext(ctx, `UPDATE approval_requests SET status = $1, decided_at_us = $2
		WHERE id = $3 AND status = $4 AND expires_at_us <= $5`, StatusExpired, micros(now), r.ID, StatusPending, micros(now))
	if err != nil {
		s.opts.Logger.Error("approval: expire", "request", r.Ref(), "err", err)
		return false
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false
	}
	e := s.entry(audit.Actor{Name: "system"}, r, audit.ActionRequestExpire, audit.OutcomeOK,
		fmt.Sprintf("%s (%s by %s) expired undecided at %s", r.Ref(), r.Summary(), r.RequestedBy, r.ExpiresAt.Format("2006-01-02 15:04:05Z")))
	if err := s.record(ctx, r.ID, StepExpire, &e); err != nil {
		s.opts.Logger.Error("approval: audit expiry", "request", r.Ref(), "err", err)
	}
	return true
}

// Sweep expires every pending request whose time is up, in every app, and
// says how many it expired; it also settles approved requests an instance
// stopped while running (settleInterrupted). Safe on several instances at once: each
// request is expired (and audited) by one of them.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	due, err := s.requests(ctx, `WHERE status = $1 AND expires_at_us <= $2 ORDER BY id LIMIT 500`, StatusPending, micros(s.opts.Now()))
	if err != nil {
		return 0, fmt.Errorf("approval: sweep: %w", err)
	}
	n := 0
	for _, r := range due {
		if s.expire(ctx, r) {
			n++
		}
	}
	if _, err := s.settleInterrupted(ctx); err != nil {
		return n, err
	}
	return n, nil
}

// RunSweeper expires due requests every interval until ctx ends (the
// decision itself checks expiry too, so the sweeper only tidies the list and
// audits the expiry of requests nobody tried to decide).
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.opts.Logger.Warn("approval: sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
