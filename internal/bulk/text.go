package bulk

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/roomdesk/roomdesk/internal/rooms"
)

// formatChanges is an item's changes as its row and results CSV show them.
func formatChanges(cs []rooms.Change) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s: %s → %s", c.Field, c.Before, c.After)
	}
	return strings.Join(parts, "; ")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// FieldsJSON is a form as the job and item rows store it.
func FieldsJSON(f rooms.Form) string {
	b, _ := json.Marshal(f)
	return string(b)
}
