package sqlstore

// SetMaxHeld lets the export tests reach the held-results bound with a
// small log; the returned func restores it.
func SetMaxHeld(n int) func() {
	old := maxHeld
	maxHeld = n
	return func() { maxHeld = old }
}

// SetRareRows sets how many rows a room or operator prefix may have for
// List to read them through the name's index (prefix.go); 0 walks the log
// always. The returned func restores it.
func SetRareRows(n int) func() {
	old := rareRows
	rareRows = n
	return func() { rareRows = old }
}
