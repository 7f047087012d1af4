package rooms

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/tencent"
)

// ListedFields are the editable fields a get_room_list item carries (the
// documented subset of RoomInfo); a room seen only on a list page is known
// for these and no others.
var ListedFields = []string{FieldRoomName, FieldCoverURL, FieldCategory, FieldActivityStatus}

// Values is every editable field of a room as the JSON text the audit log
// records (audit.Change's Before and After), keyed by field name.
func Values(r tencent.RoomInfo) map[string]string {
	out := make(map[string]string, len(table))
	for _, f := range table {
		out[f.name] = jsonText(f.read(r))
	}
	return out
}

// FormValues turns a field's value as the audit log records it (JSON text)
// back into form values: what a revert pre-fills and submits.
func FormValues(name, text string) ([]string, error) {
	if _, ok := lookup(name); !ok {
		return nil, fmt.Errorf("rooms: unknown field %q", name)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("rooms: %s value %q: %w", name, text, err)
	}
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case json.Number:
		return []string{v.String()}, nil
	case bool:
		return formValues(v), nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			n, ok := x.(json.Number)
			if !ok {
				return nil, fmt.Errorf("rooms: %s value %q is not a list of numbers", name, text)
			}
			out = append(out, n.String())
		}
		return out, nil
	}
	return nil, fmt.Errorf("rooms: %s value %q has no form", name, text)
}

// Display is a field's value as the operator reads it, from the JSON text
// the audit log records.
func Display(name, text string) string {
	vals, err := FormValues(name, text)
	if err != nil {
		return text
	}
	return display(name, vals)
}
