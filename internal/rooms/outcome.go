package rooms

import (
	"context"
	"errors"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// mayHaveApplied are Tencent's "internal error or timeout, try again"
// codes. When the client's retries ran out on one of them, Tencent has not
// said the change was refused: it may have been applied before the error.
var mayHaveApplied = map[int]bool{
	60008: true, 60014: true, // REST layer timed out
	70017: true, 70169: true, 70201: true, 70202: true, 70203: true, 70207: true, 70208: true,
	70212: true, 70213: true, 70222: true, 70225: true, 70231: true, 70308: true, 70348: true,
	70362: true, 70401: true, 70500: true, // account layer internal errors and timeouts
	91000:  true, // internal error
	100001: true, // live room service internal error
}

// OutcomeOf is THE classification of a finished update_room_info call
// (after the client's retries), documented as the outcome table in
// docs/AUDIT.md. "failed" only when Tencent's answer says it did not apply
// the change; "unknown" whenever it may have:
//
//   - no error: ok;
//   - a FAIL answer with a catalogued refusal code (bad parameter 100002,
//     room gone 100004, not allowed 100006, signature, permission, app and
//     rate-limit codes such as 60006, 70001, 70403, 100012): failed;
//   - a FAIL answer with a timeout-class or internal-error code (60008,
//     70169, 70202, the other internal 70xxx, 100001) or a code Tencent's
//     documentation does not list: unknown;
//   - refused before anything left this process (pacing, signing): failed;
//   - a transport error, a timeout, an unreadable answer: unknown.
func OutcomeOf(meta tencent.Meta, err error) string {
	var ae *tencent.APIError
	switch {
	case err == nil:
		return audit.OutcomeOK
	case errors.As(err, &ae):
		if mayHaveApplied[ae.Code] || !tencent.Describe(ae.Code).Known {
			return audit.OutcomeUnknown
		}
		return audit.OutcomeFailed
	case meta.Attempts == 0 && !errors.Is(err, tencent.ErrUnreachable):
		return audit.OutcomeFailed
	default:
		return audit.OutcomeUnknown
	}
}

// unknownMessage never says "not changed": nobody knows. It says how to find out.
const unknownMessage = "Tencent did not confirm this update, so it may or may not have been applied. " +
	"To find out, re-read the room: open it again (the form shows the values Tencent holds now) " +
	"before trying again."

// classify turns Tencent's answer into a Result for the operator.
func classify(meta tencent.Meta, err error) Result {
	r := Result{RequestID: meta.RequestID, ErrorCode: meta.ErrorCode, ErrorInfo: meta.ErrorInfo,
		Attempts: meta.Attempts, Latency: meta.Latency, Outcome: OutcomeOf(meta, err)}
	var ae *tencent.APIError
	if errors.As(err, &ae) {
		r.ErrorCode, r.ErrorInfo, r.RequestID = ae.Code, ae.Info, ae.RequestID
		r.Meaning = tencent.Describe(ae.Code).Meaning
	}
	switch {
	case r.Outcome == audit.OutcomeOK:
		r.Message = "The room is updated; the form below shows its new values."
	case r.Outcome == audit.OutcomeUnknown:
		r.Message = unknownMessage
	case ae != nil:
		r.Message = "The room was not changed. The error below says why; fix the cause, or try again if it was temporary."
	default:
		r.ErrorInfo = err.Error()
		r.Message = "The update could not be sent to Tencent; the room was not changed."
	}
	return r
}

// recordRefusedRead audits a submission stopped at the re-read that comes
// before every update (the room was dismissed meanwhile, or Tencent could
// not be read): the room, the fields wanted, and the read's code and
// RequestId. Nothing was sent, so the outcome is failed. A failure to
// write it is logged; the operator's error stands either way.
func (s *Service) recordRefusedRead(ctx context.Context, actor audit.Actor, roomID string, submitted Form, fields []string, meta tencent.Meta, readErr error) {
	wanted := make([]audit.Change, 0, len(fields))
	for _, f := range fields {
		after, _ := canonical(f, submitted[f])
		wanted = append(wanted, audit.Change{Field: f, After: after})
	}
	e := audit.Entry{Kind: audit.KindEvent, Action: audit.ActionRoomUpdate, RoomID: roomID, App: s.opts.App, Changes: wanted, RequestBody: string(meta.RequestBody),
		ResponseBody: string(meta.ResponseBody), ActionStatus: meta.ActionStatus, ErrorCode: meta.ErrorCode,
		ErrorInfo: meta.ErrorInfo, RequestID: meta.RequestID, Outcome: audit.OutcomeFailed,
		Attempts: meta.Attempts, LatencyMS: meta.Latency.Milliseconds(),
		Detail: "not sent: re-reading the room before the update failed: " + readErr.Error()}
	e.SetActor(actor)
	var ae *tencent.APIError
	if errors.As(readErr, &ae) {
		e.ErrorCode, e.ErrorInfo, e.RequestID, e.ActionStatus = ae.Code, ae.Info, ae.RequestID, "FAIL"
		e.Detail = fmt.Sprintf("not sent: get_room_info refused the re-read with %d (%s)", ae.Code, tencent.Describe(ae.Code).Meaning)
	}
	// Written even if the browser went away: the attempt happened.
	if err := s.log.Append(context.WithoutCancel(ctx), &e); err != nil {
		s.audited(audit.KindEvent, false)
		s.opts.Logger.Error("rooms: audit of a refused re-read failed", "err", err, "room_id", roomID,
			"actor", actor.Name, "error_code", e.ErrorCode, "request_id", e.RequestID)
		return
	}
	s.audited(audit.KindEvent, true)
}
