// Package homeview draws the signed-in home page: activity at a glance.
// Charts are server-drawn SVG (no script, so the strict CSP stays), each
// with its numbers as a table for screen readers and anyone who prefers.
package homeview

import (
	"context"
	"strconv"
	"time"

	"github.com/roomdesk/roomdesk/internal/i18n"
	"github.com/roomdesk/roomdesk/internal/localtime"
	"github.com/roomdesk/roomdesk/views/layout"
)

// Props fills the home page.
type Props struct {
	Layout    layout.Props
	Now       time.Time
	Day       []Bar // edits per hour, last 24 hours
	Week      []Bar // edits per hour, last 7 days
	DayTotal  int
	WeekTotal int
	Failures  []Failure
	Unknown   int
	Jobs      []Job
	Operators []Operator
	Rooms     []Room
}

// Bar is one hour of a chart.
type Bar struct {
	Start time.Time
	Value int
	OK    int
}

// Failure is one ErrorCode's refusals with what the code means.
type Failure struct {
	Code    int
	Meaning string
	Count   int
}

// Job is a bulk job as the home page lists it.
type Job struct {
	ID                  int64
	URL, Status, By     string
	Done, Failed, Total int
	Created             time.Time
	Running             bool
}

// Operator is one editor's edits in the last 7 days.
type Operator struct {
	Name  string
	Edits int
}

// Room is a room changed today.
type Room struct {
	App, ID, URL string
	Changes      int
	Last         time.Time
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH = 720, 120
	axisH          = 18
)

// bar is one drawn bar.
type bar struct {
	X, Y, W, H string
	Bar
}

// bars lays the chart out: equal widths, heights scaled to the busiest hour.
func bars(list []Bar) []bar {
	if len(list) == 0 {
		return nil
	}
	max := 1
	for _, b := range list {
		max = maxInt(max, b.Value)
	}
	w := float64(chartW) / float64(len(list))
	out := make([]bar, len(list))
	for i, b := range list {
		h := float64(chartH-axisH) * float64(b.Value) / float64(max)
		out[i] = bar{X: f(float64(i)*w + w*0.1), W: f(w * 0.8), H: f(h), Y: f(float64(chartH-axisH) - h), Bar: b}
	}
	return out
}

// ticks are the labels under a chart, about six of them, in the viewer's
// zone: hours for a day, dates (MM-DD, the one date format's tail) for a
// week.
func ticks(ctx context.Context, list []Bar) []tick {
	loc := localtime.From(ctx)
	if len(list) == 0 {
		return nil
	}
	every := maxInt(1, len(list)/6)
	w := float64(chartW) / float64(len(list))
	var out []tick
	for i := 0; i < len(list); i += every {
		layout := "15:04"
		if len(list) > 24 {
			layout = "01-02"
		}
		out = append(out, tick{X: f(float64(i) * w), Text: list[i].Start.In(loc).Format(layout)})
	}
	return out
}

type tick struct{ X, Text string }

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func f(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func itoa(n int) string { return strconv.Itoa(n) }

func viewBox() string { return "0 0 " + itoa(chartW) + " " + itoa(chartH) }

func axisY() string { return itoa(chartH - 4) }

func baseY() string { return itoa(chartH - axisH) }

// jobStatus is a bulk job's status as stored ("running", "done"…) in the
// reader's language, by the bulk area's messages.
func jobStatus(ctx context.Context, status string) string {
	if id := "bulk.Status_" + status; i18n.Default().Has(i18n.English, id) {
		return i18n.T(ctx, id)
	}
	return status
}
