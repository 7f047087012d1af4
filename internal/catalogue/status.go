package catalogue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Status is how fresh an app's catalogue is.
type Status struct {
	App string
	// LastSweep is when the last full sweep of get_room_list ended (zero:
	// never); LastSeen and LastMissing are its counts.
	LastSweep   time.Time
	LastSeen    int
	LastMissing int
	// Sweeping is set while a sweep is under way: SweepStarted, with
	// Pages pages and Seen rooms read so far.
	Sweeping     bool
	SweepStarted time.Time
	Pages, Seen  int
	// LastError is why the last sweep stopped short ("" if it did not).
	LastError string
}

// Swept says whether a full sweep has ever finished, so the catalogue
// holds the public list and not only the rooms opened so far.
func (s Status) Swept() bool { return !s.LastSweep.IsZero() }

// Status reads an app's sync state.
func (s *Store) Status(ctx context.Context, app string) (Status, error) {
	s.Flush()
	st := Status{App: app}
	var started, finished int64
	err := s.db.QueryRowContext(ctx, `SELECT started_at_us, pages, seen, finished_at_us, last_seen, last_missing, last_error
		FROM catalogue_sync WHERE app = $1`, app).Scan(&started, &st.Pages, &st.Seen, &finished, &st.LastSeen, &st.LastMissing, &st.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("catalogue: status: %w", err)
	}
	if finished != 0 {
		st.LastSweep = time.UnixMicro(finished)
	}
	if started != 0 {
		st.Sweeping, st.SweepStarted = true, time.UnixMicro(started)
	}
	return st, nil
}
