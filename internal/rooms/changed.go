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
