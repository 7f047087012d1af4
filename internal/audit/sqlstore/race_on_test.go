//go:build race

package sqlstore_test

// raceEnabled: the race detector instruments modernc's transpiled SQLite
// too, which makes filling 100,000 rows take minutes.
const raceEnabled = true
