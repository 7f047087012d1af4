package handlers

import (
	"context"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
	"github.com/roomdesk/roomdesk/views/bulkview"
	"github.com/roomdesk/roomdesk/views/components"
)

// The bulk pages take view models: bulk's and rooms' types stop here.

// bulkInputs is the changes form: every field, ticked or not, with its value.
func bulkInputs(ctx context.Context, values rooms.Form, ticked []string) []bulkview.Input {
	out := make([]bulkview.Input, 0, len(rooms.Fields))
	for _, name := range rooms.Fields {
		in := bulkview.Input{Name: name, Label: fieldLabel(ctx, name), Value: values.Get(name), Limit: rooms.Limit(name)}
		for _, t := range ticked {
			in.Ticked = in.Ticked || t == name
		}
		if name == rooms.FieldCategory {
			slots := values.Category()
			in.Slots = slots[:]
		}
		out = append(out, in)
	}
	return out
}

// settings are the fields a form sets, in form order.
func settings(ctx context.Context, f rooms.Form) []bulkview.Setting {
	var out []bulkview.Setting
	for _, name := range rooms.Fields {
		if v, ok := f[name]; ok {
			out = append(out, bulkview.Setting{Field: name, Label: fieldLabel(ctx, name), Values: v})
		}
	}
	return out
}

// previewView describes a plan, or what stops it from running.
func previewView(ctx context.Context, plan bulk.Plan, probs bulk.Problems) bulkview.PreviewProps {
	p := bulkview.PreviewProps{Rooms: len(plan.Rows), Source: plan.Source, From: bulkview.From(plan.From), Common: settings(ctx, plan.Common),
		Problems: bulkview.Problems{More: probs.More}}
	for _, g := range probs.General {
		p.Problems.General = append(p.Problems.General, bulkText(ctx, g, 0))
	}
	_, fieldProbs := rooms.ValidateProblems(plan.Common) // the same check bulk made, with message ids
	for _, name := range rooms.Fields {
		if msg, ok := probs.Fields[name]; ok {
			if fp, ok := fieldProbs[name]; ok && fp.Text == msg {
				msg = problemText(ctx, fp)
			}
			p.Problems.Fields = append(p.Problems.Fields, bulkview.FieldProblem{Field: name, Label: fieldLabel(ctx, name), Message: msg})
		}
	}
	for _, l := range probs.Lines {
		// The RoomId is the operator's own paste, echoed back: control and
		// bidi characters become visible escapes so the page shows what was sent.
		if rp := rooms.CheckRoomID(l.RoomID); rp.Text == l.Message {
			l.Message = problemText(ctx, rp)
		} else {
			l.Message = bulkText(ctx, l.Message, 0)
		}
		l.RoomID = safetext.Escape(safetext.Clip(l.RoomID, 256))
		p.Problems.Lines = append(p.Problems.Lines, bulkview.LineError(l))
	}
	for _, name := range plan.Columns() {
		p.Columns = append(p.Columns, fieldLabel(ctx, name))
	}
	return p
}

var jobStates = map[string]bulkview.State{bulk.JobQueued: bulkview.Queued, bulk.JobCancelling: bulkview.Cancelling,
	bulk.JobCancelled: bulkview.Cancelled, bulk.JobDone: bulkview.Done}

// statusTones colours job and item statuses alike (done is both).
var statusTones = map[string]components.Tone{bulk.JobDone: components.OK, bulk.ItemFailed: components.Bad,
	bulk.JobCancelled: components.Bad, bulk.JobCancelling: components.Warn, bulk.ItemSkipped: components.Warn}

func tone(status string) components.Tone {
	if t, ok := statusTones[status]; ok {
		return t
	}
	return components.Info
}

func jobView(ctx context.Context, j bulk.Job) bulkview.Job {
	v := bulkview.Job{ID: j.ID, AuditKey: j.Key(), CreatedBy: j.CreatedBy, CreatedAt: j.CreatedAt, Source: j.Source,
		Change: settings(ctx, j.Fields), Status: j.Status, State: jobStates[j.Status], Tone: tone(j.Status),
		Total: j.Total, Done: j.Counts.Done, Failed: j.Counts.Failed, Skipped: j.Counts.Skipped,
		Remaining: j.Counts.Remaining(), CancelledBy: j.CancelledBy, RetryOf: j.RetryOf, RetriedAs: j.RetriedAs}
	if j.Ended() {
		v.Took = j.FinishedAt.Sub(j.StartedAt)
	}
	return v
}

func jobViews(ctx context.Context, jobs []bulk.Job) []bulkview.Job {
	out := make([]bulkview.Job, len(jobs))
	for i, j := range jobs {
		out[i] = jobView(ctx, j)
	}
	return out
}

func progressView(ctx context.Context, p bulk.Progress, items []bulk.Item) (bulkview.Job, []bulkview.Item) {
	j := jobView(ctx, p.Job)
	j.Rate, j.ETA = p.Rate, p.ETA
	out := make([]bulkview.Item, len(items))
	for i, it := range items {
		text := it.Status
		switch it.Status {
		case bulk.ItemPending:
			text = "not sent"
		case bulk.ItemSending:
			text = "sending"
		}
		out[i] = bulkview.Item{RoomID: it.RoomID, Status: it.Status, Text: text, Tone: tone(it.Status),
			Message: bulkText(ctx, it.Message, it.ErrorCode), ErrorCode: it.ErrorCode, ErrorInfo: it.ErrorInfo, Changes: it.Changes,
			RequestID: it.RequestID, AuditSeq: it.IntentSeq, Attempts: it.Attempts}
	}
	return j, out
}
