package handlers

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roomdesk/roomdesk/internal/bulk"
	"github.com/roomdesk/roomdesk/internal/rooms"
	"github.com/roomdesk/roomdesk/internal/safetext"
	"github.com/roomdesk/roomdesk/views/bulkview"
)

// recentJobs is how many jobs the /bulk page lists.
const recentJobs = 20

// BulkNew is GET /bulk (operators): the form, pre-filled with the rooms
// ticked on the room list (?room=a&room=b), and the recent jobs.
func (h *Handlers) BulkNew(c echo.Context) error {
	p, err := h.bulkPage(c, bulk.Input{Selected: c.QueryParams()["room"], Values: rooms.Form{}})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, bulkview.NewPage(p))
}

// bulkPage is the /bulk page with the form as in holds it, the app's
// templates and the recent jobs.
func (h *Handlers) bulkPage(c echo.Context, in bulk.Input) (bulkview.NewProps, error) {
	ctx := c.Request().Context()
	p := bulkview.NewProps{Layout: h.page(c, tr(c, "bulk.Title"), "bulk"), RoomIDs: in.RoomIDs, Selected: in.Selected,
		MaxRooms: bulk.MaxRooms, Inputs: bulkInputs(ctx, in.Values, in.Change)}
	if len(in.CSV) > 0 && len(in.CSV) <= bulk.MaxInputBytes {
		p.CSV = &bulkview.KeptCSV{Name: in.CSVName, Text: string(in.CSV)}
	}
	recent, err := h.bulk(c).Recent(ctx, recentJobs)
	if err != nil {
		return p, err
	}
	p.Recent = jobViews(ctx, recent)
	p.Templates, err = h.templateViews(c)
	return p, err
}

// bulkInput reads the /bulk form (multipart, for the CSV file, or plain).
func bulkInput(c echo.Context) (bulk.Input, error) {
	form, err := c.FormParams()
	if err != nil {
		return bulk.Input{}, echo.NewHTTPError(http.StatusBadRequest, "The form could not be read (is the file over 2 MB?).")
	}
	values, _ := rooms.SplitForm(form)
	in := bulk.Input{Selected: form["selected"], RoomIDs: form.Get("rooms"), Change: form["change"], Values: values}
	if fh, err := c.FormFile("csv"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return bulk.Input{}, echo.NewHTTPError(http.StatusBadRequest, "The CSV file could not be read.")
		}
		defer f.Close()
		// Read at most one byte past the limit, so bulk.Parse refuses an
		// oversized file without it ever being held whole.
		if in.CSV, err = io.ReadAll(io.LimitReader(f, bulk.MaxInputBytes+1)); err != nil {
			return bulk.Input{}, echo.NewHTTPError(http.StatusBadRequest, "The CSV file could not be read.")
		}
		in.CSVName = fh.Filename
	} else if kept := form.Get("csv_kept"); kept != "" && form.Get("csv_forget") == "" {
		// The file chosen before the page was drawn again (bulkview.KeptCSV).
		in.CSV, in.CSVName = []byte(kept), safetext.Clip(form.Get("csv_name"), safetext.DefaultMax)
	}
	return in, nil
}

// bulkPreview checks the input and describes what would run.
func (h *Handlers) bulkPreview(c echo.Context, in bulk.Input) (bulk.Plan, bulkview.PreviewProps) {
	plan, probs := bulk.Parse(in)
	pv := previewView(c.Request().Context(), plan, probs)
	pv.Estimate, pv.Rate, pv.Digest = h.bulk(c).Estimate(len(plan.Rows)), h.bulk(c).Rate(), plan.Digest()
	h.bulkApproval(c, len(plan.Rows), &pv)
	if !pv.Problems.Any() {
		h.bulkCompare(c, plan, &pv)
	}
	return plan, pv
}

// renderPreview answers htmx with the preview fragment and a plain form
// post with the whole page, the form as submitted above the preview.
func (h *Handlers) renderPreview(c echo.Context, status int, in bulk.Input, pv bulkview.PreviewProps) error {
	if h.schedules(c) != nil && !pv.Schedule.Enabled {
		pv.Schedule.Enabled = true
		_, pv.Schedule.Zone = h.zone(c)
	}
	if isHTMX(c) {
		return render(c, status, bulkview.Preview(pv))
	}
	p, err := h.bulkPage(c, in)
	if err != nil {
		return err
	}
	p.Preview = &pv
	return render(c, status, bulkview.NewPage(p))
}
