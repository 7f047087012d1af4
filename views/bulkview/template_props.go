package bulkview

import "time"

// Templates is the bulk page's saved change sets: the list (apply one,
// remove one) and the outcome of the last save, apply or removal.
type Templates struct {
	Enabled bool // the console keeps templates
	List    []Template
	Name    string // the name input, as submitted
	// One outcome at most: a name just saved, applied or removed, or why
	// saving failed (with the field values the rules refuse).
	Saved, Applied, Removed string
	Error                   string
	Fields                  []FieldProblem
}

// Outcome reports whether there is something to say about the last action.
func (t Templates) Outcome() bool {
	return t.Saved != "" || t.Applied != "" || t.Removed != "" || t.Error != ""
}

// Template is one saved change set.
type Template struct {
	ID        int64
	Name      string
	Change    []Setting
	CreatedBy string
	CreatedAt time.Time
	CanDelete bool // its creator or an admin is looking
}
