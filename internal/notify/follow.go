package notify

import (
	"context"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// Following the log, for /audit/stream: the rows after a seq, and a
// channel closed at the next append in this process (other instances'
// appends are found by polling).

// Since returns up to limit rows with seq > after, in seq order.
func (s *Service) Since(ctx context.Context, after int64, limit int) ([]audit.Entry, error) {
	return s.opts.Source.Since(ctx, after, limit)
}

// Changed returns a channel closed at the next Appended.
func (s *Service) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	return s.changed
}

// Appended is called after every audit append: it wakes the dispatcher
// and every follower waiting in Changed.
func (s *Service) Appended() {
	s.Wake()
	s.mu.Lock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	s.mu.Unlock()
}
