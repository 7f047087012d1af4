package audittest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// ErrInjected is what a FailingStore's refused appends wrap.
var ErrInjected = errors.New("audittest: injected append failure")

// FailingStore wraps a Store and refuses appends on demand, so callers can
// test what happens when the log cannot be written (the rooms use case must
// not call Tencent when its intent was not recorded). Reads pass through.
type FailingStore struct {
	audit.Store

	mu       sync.Mutex
	fail     map[audit.Kind]bool
	refused  int
	appended []audit.Entry
}

// NewFailingStore wraps s; it fails nothing until told to.
func NewFailingStore(s audit.Store) *FailingStore {
	return &FailingStore{Store: s, fail: map[audit.Kind]bool{}}
}

// FailAppends makes every later Append of an entry of one of kinds fail
// (all kinds when none are given), until Reset.
func (f *FailingStore) FailAppends(kinds ...audit.Kind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(kinds) == 0 {
		kinds = []audit.Kind{audit.KindIntent, audit.KindResult, audit.KindEvent}
	}
	for _, k := range kinds {
		f.fail[k] = true
	}
}

// Reset makes appends succeed again.
func (f *FailingStore) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.fail)
}

// Refused counts the appends refused so far.
func (f *FailingStore) Refused() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refused
}

// Appended returns copies of the entries appended successfully so far.
func (f *FailingStore) Appended() []audit.Entry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]audit.Entry(nil), f.appended...)
}

// Append refuses e if its kind is set to fail, else passes it on.
func (f *FailingStore) Append(ctx context.Context, e *audit.Entry) error {
	f.mu.Lock()
	if f.fail[e.Kind] {
		f.refused++
		f.mu.Unlock()
		return fmt.Errorf("audit: append %s: %w", e.Kind, ErrInjected)
	}
	f.mu.Unlock()
	if err := f.Store.Append(ctx, e); err != nil {
		return err
	}
	f.mu.Lock()
	f.appended = append(f.appended, *e)
	f.mu.Unlock()
	return nil
}
