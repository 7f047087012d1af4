package bulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/rooms"
)

// parseCSV reads a header naming RoomId and any of the API fields
// (case-insensitive), then one room per line. An empty cell leaves that
// field to the job's value (or unchanged); Category cells hold up to three
// numbers separated by ";" or "|".
func parseCSV(data []byte, common rooms.Form, plan *Plan, probs *Problems, seen map[string]int) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 BOM
	if !utf8.Valid(data) {
		probs.line(LineError{Source: "CSV", Line: 1, Message: "The file is not UTF-8 text; save it as \"CSV UTF-8\"."})
		return
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		probs.line(LineError{Source: "CSV", Line: 1, Message: "The file has no header line: " + csvErr(err)})
		return
	}
	cols, idCol, msg := columns(header)
	if msg != "" {
		probs.line(LineError{Source: "CSV", Line: 1, Message: msg})
		return
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			probs.line(LineError{Source: "CSV", Line: line, Message: csvErr(err) + "; the rest of the file was not read."})
			return
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		csvRow(rec, line, cols, idCol, len(header), common, plan, probs, seen)
	}
}

func csvRow(rec []string, line int, cols []string, idCol, width int, common rooms.Form, plan *Plan, probs *Problems, seen map[string]int) {
	bad := func(id, msg string) { probs.line(LineError{Source: "CSV", Line: line, RoomID: clip(id), Message: msg}) }
	if len(rec) != width {
		bad("", fmt.Sprintf("This line has %d cells; the header has %d.", len(rec), width))
		return
	}
	id := strings.TrimSpace(rec[idCol])
	if msg := rooms.ValidateRoomID(id); msg != "" {
		bad(id, msg)
		return
	}
	if i, dup := seen[id]; dup {
		bad(id, fmt.Sprintf("RoomId %s is already on line %d.", id, plan.Rows[i].Line))
		return
	}
	own := rooms.Form{}
	for c, name := range cols {
		v := strings.TrimSpace(rec[c])
		if name == "" || name == rooms.FieldRoomID || v == "" {
			continue
		}
		if name == rooms.FieldCategory {
			own[name] = strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '|' })
		} else {
			own[name] = []string{v}
		}
	}
	fields := common // shared, as for pasted rows, unless this line has cells of its own
	if len(own) > 0 {
		fields = clone(common)
		for k, v := range own {
			fields[k] = v
		}
	}
	if _, errs := rooms.Validate(own); len(errs) > 0 {
		var msgs []string
		for _, f := range rooms.Fields {
			if m, ok := errs[f]; ok {
				msgs = append(msgs, f+": "+m)
			}
		}
		bad(id, strings.Join(msgs, " "))
		return
	}
	seen[id] = len(plan.Rows)
	plan.Rows = append(plan.Rows, Row{Line: line, RoomID: id, Fields: fields, src: "CSV"})
}

// columns maps each header cell to its API field name ("" for none).
func columns(header []string) (cols []string, idCol int, msg string) {
	known := map[string]string{strings.ToLower(rooms.FieldRoomID): rooms.FieldRoomID}
	for _, f := range rooms.Fields {
		known[strings.ToLower(f)] = f
	}
	idCol = -1
	used := map[string]bool{}
	var unknown []string
	for i, h := range header {
		name, ok := known[strings.ToLower(strings.TrimSpace(h))]
		switch {
		case !ok:
			unknown = append(unknown, fmt.Sprintf("%q", clip(h)))
		case used[name]:
			return nil, 0, fmt.Sprintf("The column %s appears twice in the header.", name)
		}
		used[name] = true
		cols = append(cols, name)
		if name == rooms.FieldRoomID {
			idCol = i
		}
	}
	if len(unknown) > 0 {
		return nil, 0, fmt.Sprintf("Unknown column %s in the header; columns are RoomId and the API field names: %s.",
			strings.Join(unknown, ", "), strings.Join(rooms.Fields, ", "))
	}
	if idCol < 0 {
		return nil, 0, "The header has no RoomId column."
	}
	return cols, idCol, ""
}

func csvErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "CSV syntax error: " + pe.Err.Error()
	}
	if err == io.EOF {
		return "the file is empty"
	}
	return err.Error()
}
