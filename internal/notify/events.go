package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// Event is what a webhook subscribes to.
type Event string

const (
	EventRequestCreated Event = "request.created"      // a change request waits for a second person
	EventRequestDecided Event = "request.decided"      // approved, rejected, expired or cancelled
	EventUpdateProblem  Event = "update.problem"       // an update failed, or its outcome is unknown
	EventBulkFinished   Event = "bulk.finished"        // a bulk job ended
	EventChangedOutside Event = "room.changed_outside" // a room changed outside roomdesk
	EventTest           Event = "test"                 // "send test event" on the delivery log
)

// Events are the events a webhook may subscribe to, in display order.
var Events = []Event{EventRequestCreated, EventRequestDecided, EventUpdateProblem, EventBulkFinished, EventChangedOutside}

// Actions of other features mapped here by name, so this package needs
// none of theirs (they land independently; see COMMON.md's action list).
const (
	actionRequestCreate  = "request.create"
	actionRequestApprove = "request.approve"
	actionRequestReject  = "request.reject"
	actionRequestExpire  = "request.expire"
	actionRequestCancel  = "request.cancel"
	actionChangedOutside = "room.changed_outside"
)

// EventOf maps an audit row to the event it is, if any.
func EventOf(e audit.Entry) (Event, bool) {
	switch e.Action {
	case actionRequestCreate:
		return EventRequestCreated, true
	case actionRequestApprove, actionRequestReject, actionRequestExpire, actionRequestCancel:
		return EventRequestDecided, true
	case audit.ActionBulkFinish:
		return EventBulkFinished, true
	case actionChangedOutside:
		return EventChangedOutside, true
	case audit.ActionRoomUpdate:
		// A result that did not apply or may not have; an event row is an
		// attempt refused before sending (the re-read failed).
		bad := e.Outcome == audit.OutcomeFailed || e.Outcome == audit.OutcomeUnknown
		if bad && (e.Kind == audit.KindResult || e.Kind == audit.KindEvent) {
			return EventUpdateProblem, true
		}
	}
	return "", false
}

// Payload is the generic format's body; the WeCom and Slack texts are
// made from it. Record is the row exactly as /audit/stream and the JSONL
// export write it, so a receiver parses one format.
type Payload struct {
	Event   Event           `json:"event"`
	Action  string          `json:"action"`
	Seq     int64           `json:"seq"`
	Time    string          `json:"time"`
	App     string          `json:"app"`
	RoomID  string          `json:"room_id"`
	Actor   string          `json:"actor"`
	Outcome string          `json:"outcome"`
	Summary string          `json:"summary"`
	Link    string          `json:"link,omitempty"`
	Record  json.RawMessage `json:"record,omitempty"`
}

// payload builds e's Payload. intent is e's intent for a result row (its
// changes and author are on it), else nil.
func (s *Service) payload(ev Event, e audit.Entry, intent *audit.Entry) (Payload, error) {
	var line bytes.Buffer
	w := audit.NewJSONLWriter(&line)
	if err := w.WriteEntry(e); err != nil {
		return Payload{}, err
	}
	if err := w.Flush(); err != nil {
		return Payload{}, err
	}
	p := Payload{Event: ev, Action: e.Action, Seq: e.Seq, Time: e.Time.UTC().Format(time.RFC3339),
		App: e.App, RoomID: e.RoomID, Actor: e.Actor, Outcome: e.Outcome,
		Record: json.RawMessage(bytes.TrimSpace(line.Bytes()))}
	if e.Kind == audit.KindIntent {
		p.Outcome = audit.OutcomeUnknown // an intent reported here never got its result
	}
	changes := e.Changes
	if intent != nil {
		p.Actor, changes = intent.Actor, intent.Changes
	}
	p.Summary = summary(p, e, changes)
	if s.opts.BaseURL != "" {
		p.Link = strings.TrimRight(s.opts.BaseURL, "/") + fmt.Sprintf("/audit/%d", e.Seq)
	}
	return p, nil
}

// summary is one line a person reads in a chat.
func summary(p Payload, e audit.Entry, changes []audit.Change) string {
	var b strings.Builder
	switch p.Event {
	case EventUpdateProblem:
		fmt.Fprintf(&b, "Update of room %s by %s: outcome %s", e.RoomID, orSomeone(p.Actor), p.Outcome)
		if e.ErrorCode != 0 {
			fmt.Fprintf(&b, " (%d %s)", e.ErrorCode, e.ErrorInfo)
		}
		if p.Outcome == audit.OutcomeUnknown {
			b.WriteString("; it may or may not have been applied: re-read the room")
		}
	case EventBulkFinished:
		fmt.Fprintf(&b, "Bulk job %s finished", e.JobID)
	case EventRequestCreated:
		fmt.Fprintf(&b, "Change request by %s for room %s", orSomeone(p.Actor), e.RoomID)
	case EventRequestDecided:
		fmt.Fprintf(&b, "Change request %s by %s", strings.TrimPrefix(e.Action, "request."), orSomeone(p.Actor))
		if e.RoomID != "" {
			fmt.Fprintf(&b, " (room %s)", e.RoomID)
		}
	case EventChangedOutside:
		fmt.Fprintf(&b, "Room %s changed outside roomdesk", e.RoomID)
	default:
		b.WriteString(e.Action)
	}
	if len(changes) > 0 {
		b.WriteString(": " + audit.FormatChanges(changes))
	}
	if e.Detail != "" {
		b.WriteString(" — " + e.Detail)
	}
	if p.App != "" {
		b.WriteString(" [" + p.App + "]")
	}
	return clip(b.String(), 1500)
}

func orSomeone(s string) string {
	if s == "" {
		return "someone"
	}
	return s
}

// clip cuts s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// testPayload is what "send test event" sends.
func (s *Service) testPayload(w Webhook, by string) Payload {
	return Payload{Event: EventTest, Action: "webhook.test", Time: s.opts.Now().UTC().Format(time.RFC3339),
		Actor: by, Outcome: audit.OutcomeOK,
		Summary: fmt.Sprintf("Test event for webhook %q, sent by %s from roomdesk", w.Name, by)}
}
