// Package bulkview draws the bulk edit pages: the form with its preview, the
// list of recent jobs, and a job's live progress and per-room results.
// Data arrives as Props; nothing here calls the database or Tencent.
package bulkview

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/views/layout"
)

// NewProps fills GET /bulk (and the preview's full-page fallback).
type NewProps struct {
	Layout  layout.Props
	RoomIDs string          // the pasted list, or the rooms ticked on the room list
	Change  map[string]bool // fields ticked "change this field"
	Values  rooms.Form
	Recent  []bulk.Job
	Preview *PreviewProps
}

// PreviewProps fills the preview below the form.
type PreviewProps struct {
	Plan     bulk.Plan
	Problems bulk.Problems
	Estimate time.Duration
	Rate     float64
	Digest   string
	Notice   string // e.g. "the form changed since the preview"
}

// JobProps fills GET /bulk/{id}.
type JobProps struct {
	Layout   layout.Props
	Progress ProgressProps
}

// ProgressProps is the polled fragment: the bar, the counts and the table.
type ProgressProps struct {
	P         bulk.Progress
	Items     []bulk.Item
	Limit     int
	CanCancel bool
	CSRF      string
}

// JobPath is a job's page.
func JobPath(id int64) string { return "/bulk/" + strconv.FormatInt(id, 10) }

// Percent is how far the job is, 0..100.
func (p ProgressProps) Percent() int {
	if p.P.Total == 0 {
		return 100
	}
	return p.P.Counts.Finished() * 100 / p.P.Total
}

func roomPath(id string) string { return "/rooms/" + url.PathEscape(id) }

func joinLabels(fields []string) string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = rooms.Label(f)
	}
	return strings.Join(out, ", ")
}

// Columns are the per-room CSV columns the plan's rows carry beyond the
// common change.
func (p PreviewProps) Columns() []string {
	seen := map[string]bool{}
	for _, r := range p.Plan.Rows {
		for f := range r.Fields {
			if _, common := p.Plan.Common[f]; !common || !same(r.Fields[f], p.Plan.Common[f]) {
				seen[f] = true
			}
		}
	}
	var out []string
	for _, f := range rooms.Fields {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out
}

// Sample is the first rooms of the plan, for a glance.
func (p PreviewProps) Sample() []bulk.Row {
	return p.Plan.Rows[:min(len(p.Plan.Rows), 8)]
}

func same(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

// shownValue is a form value as the operator reads it.
func shownValue(field string, vals []string) string {
	var kept []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		if field == rooms.FieldCategory {
			return "(no categories)"
		}
		return "(empty)"
	}
	return strings.Join(kept, ", ")
}

func fieldsSummary(f rooms.Form) string {
	var parts []string
	for _, name := range rooms.Fields {
		if v, ok := f[name]; ok {
			parts = append(parts, rooms.Label(name)+" = "+shownValue(name, v))
		}
	}
	if len(parts) == 0 {
		return "per-room values from the CSV"
	}
	return strings.Join(parts, "; ")
}

func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return "under a second"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func rate(r float64) string { return strconv.FormatFloat(r, 'f', 1, 64) }

func itoa(n int) string { return strconv.Itoa(n) }

func statusClass(status string) string {
	switch status {
	case bulk.JobDone: // also bulk.ItemDone
		return "badge badge-ok"
	case bulk.ItemFailed, bulk.JobCancelled:
		return "badge badge-bad"
	case bulk.JobCancelling, bulk.ItemSkipped:
		return "badge badge-warn"
	}
	return "badge badge-info"
}

func statusText(status string) string {
	switch status {
	case bulk.ItemPending:
		return "not sent"
	case bulk.ItemSending:
		return "sending"
	}
	return status
}

func auditJobURL(id int64) string { return "/audit?job=" + bulk.JobKey(id) }

func auditEntryURL(seq int64) string { return "/audit/" + strconv.FormatInt(seq, 10) }

func errorCode(c int) string {
	if c == 0 {
		return ""
	}
	return strconv.Itoa(c)
}

func digestVals(d string) string { return fmt.Sprintf(`{"digest":%q}`, d) }
