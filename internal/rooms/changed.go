package rooms

// Changed is what Update would consider changed: the valid fields whose
// submitted value differs from the original (the values the form was
// rendered with), or the errors of the invalid ones. Features that decide
// before an edit whether it may go ahead (the approval policy) ask this, so
// they and Update never disagree about what an edit touches.
func Changed(submitted, original Form) ([]string, FieldErrors) {
	changed, probs := diff(submitted, original)
	return changed, probs.english()
}

// DisplayValues is a field's value as the operator reads it ("Yes", "7, 11").
func DisplayValues(name string, vals []string) string { return display(name, vals) }

// AuditText is a field's form value as the audit log's changes record it
// (JSON text: "\"x\"", "true", "[4,7]"); ok is false when the value does
// not pass the field's rule.
func AuditText(name string, vals []string) (text string, ok bool) {
	text, ok = canonical(name, vals)
	if !ok {
		return "", false
	}
	return text, true
}
