// Package rooms is roomdesk's room use case: list and read rooms, and edit
// one through update_room_info the careful way (validate, diff against what
// the operator saw, re-read, audit the intent, send only what changed, audit
// the result). It knows nothing of HTTP or HTML.
package rooms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/tencent"
)

// TencentClient is the part of *tencent.Client this package uses.
type TencentClient interface {
	GetRoomInfo(ctx context.Context, roomID string) (tencent.RoomInfo, tencent.Meta, error)
	GetRoomList(ctx context.Context, next string, count int) (tencent.RoomList, tencent.Meta, error)
	UpdateRoomInfo(ctx context.Context, u tencent.RoomUpdate) (tencent.Meta, error)
}

// PageSize is how many rooms a list page holds (get_room_list's maximum).
const PageSize = 20

// Options tunes a Service. Every field is optional.
type Options struct {
	Now          func() time.Time
	Logger       *slog.Logger
	ListCacheTTL time.Duration // default 3s; keeps paging within get_room_list's 10/s quota
	// CallTimeout bounds update_room_info and the audit writes around it.
	// Default 45s: the client's own attempts and backoff fit inside it.
	CallTimeout time.Duration
	// OnAuditWrite is told about every audit append (metrics).
	OnAuditWrite func(kind audit.Kind, ok bool)
	// App is the id of the Tencent app tc talks to; every audit row the
	// service writes carries it.
	App string
	// Observers are told about every room read from Tencent and every
	// state an accepted update gives a room (see Observer).
	Observers []Observer
}

// Service runs the room use cases. Safe for concurrent use.
type Service struct {
	tc   TencentClient
	log  audit.Store
	opts Options

	mu    sync.Mutex
	cache map[string]cachedPage
}

type cachedPage struct {
	list tencent.RoomList
	at   time.Time
}

// NewService returns a Service calling tc and auditing into log.
func NewService(tc TencentClient, log audit.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ListCacheTTL == 0 {
		opts.ListCacheTTL = 3 * time.Second
	}
	if opts.CallTimeout == 0 {
		opts.CallTimeout = 45 * time.Second
	}
	return &Service{tc: tc, log: log, opts: opts, cache: map[string]cachedPage{}}
}

// ErrRoomNotFound is wrapped (together with the *tencent.APIError) when
// Tencent answers tencent.CodeRoomNotFound for a room.
var ErrRoomNotFound = errors.New("rooms: room not found")

// ErrAuditUnavailable is wrapped when the intent could not be written: the
// update was then not sent, because an unrecorded change must not happen.
var ErrAuditUnavailable = errors.New("rooms: audit log unavailable; nothing was sent to Tencent")

// ValidationError is bad input; nothing was sent.
type ValidationError struct {
	Fields FieldErrors // in English
	// Problems are the same with message ids, for the console.
	Problems Problems
}

func newValidationError(ps Problems) *ValidationError {
	return &ValidationError{Fields: ps.english(), Problems: ps}
}

func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for _, f := range append([]string{FieldRoomID}, Fields...) {
		if _, ok := e.Fields[f]; ok {
			names = append(names, f)
		}
	}
	return "rooms: invalid " + strings.Join(names, ", ")
}

// Conflict is one field changed by the operator and, since the form was
// opened, by someone else too.
type Conflict struct {
	Field    string
	Original string // when the form was opened
	Theirs   string // now, at Tencent
	Yours    string // what the operator submitted
}

// ConflictError stops an edit whose fields changed underneath it; nothing
// was sent. Form is what to show next (the operator's changes over the
// current values), Original the current values to carry as the new orig_*.
type ConflictError struct {
	RoomID    string
	Conflicts []Conflict
	Form      Form
	Original  Form
	Room      tencent.RoomInfo
}

func (e *ConflictError) Error() string {
	names := make([]string, len(e.Conflicts))
	for i, c := range e.Conflicts {
		names[i] = c.Field
	}
	return fmt.Sprintf("rooms: %s changed by someone else since the form was opened: %s",
		e.RoomID, strings.Join(names, ", "))
}

// notFound adds ErrRoomNotFound to a CodeRoomNotFound answer, keeping the APIError.
func notFound(err error) error {
	var ae *tencent.APIError
	if errors.As(err, &ae) && ae.Code == tencent.CodeRoomNotFound {
		return fmt.Errorf("%w: %w", ErrRoomNotFound, err)
	}
	return err
}

// Get reads one room.
func (s *Service) Get(ctx context.Context, id string) (tencent.RoomInfo, error) {
	if p := CheckRoomID(id); !p.OK() {
		return tencent.RoomInfo{}, newValidationError(Problems{FieldRoomID: p})
	}
	r, _, err := s.tc.GetRoomInfo(ctx, id)
	if err != nil {
		return tencent.RoomInfo{}, fmt.Errorf("rooms: get %q: %w", id, notFound(err))
	}
	s.observe(ctx, r, SeenRead)
	return r, nil
}

// List returns one page of rooms at cursor ("" for the first). Pages are
// cached per cursor for ListCacheTTL: paging back and forth, or several
// operators opening the list at once, would otherwise spend the 10/s quota.
func (s *Service) List(ctx context.Context, cursor string) (tencent.RoomList, error) {
	now := s.opts.Now()
	s.mu.Lock()
	c, ok := s.cache[cursor]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.opts.ListCacheTTL {
		return c.list, nil
	}
	list, _, err := s.tc.GetRoomList(ctx, cursor, PageSize)
	if err != nil {
		return tencent.RoomList{}, fmt.Errorf("rooms: list: %w", err)
	}
	for _, r := range list.Rooms {
		s.observe(ctx, r, SeenList)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.cache { // expired pages go, so the map stays small
		if now.Sub(v.at) >= s.opts.ListCacheTTL {
			delete(s.cache, k)
		}
	}
	s.cache[cursor] = cachedPage{list: list, at: now}
	return list, nil
}

// Invalidate drops cached list pages; an edit may change what they show.
func (s *Service) invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.cache)
}

func (s *Service) audited(kind audit.Kind, ok bool) {
	if s.opts.OnAuditWrite != nil {
		s.opts.OnAuditWrite(kind, ok)
	}
}
