package sqlstore

// SetMaxHeld lets the export tests reach the held-results bound with a
// small log; the returned func restores it.
func SetMaxHeld(n int) func() {
	old := maxHeld
	maxHeld = n
	return func() { maxHeld = old }
}
