// Package scheduleview draws /schedule: the app's scheduled changes,
// upcoming, failed or flagged, done and cancelled, with cancel. Data
// arrives as view models filled by the handlers.
package scheduleview

import (
	"time"

	"github.com/roomdesk/roomdesk/views/layout"
)

// ListProps is the /schedule page.
type ListProps struct {
	Layout    layout.Props
	Zone      string // the zone times are entered in
	Groups    []Group
	CanCancel bool
	Flash     string
	FlashOK   bool
	// Live: a change is upcoming or running, so the list reloads itself
	// from URL.
	Live bool
	URL  string
}

// Group is one section of the page (upcoming, needs attention, done,
// cancelled); Title is translated.
type Group struct {
	ID, Title string
	Rows      []Row
}

// Row is one scheduled change.
type Row struct {
	ID        int64
	Key       string
	CancelURL string
	Rooms     []Link
	MoreRooms int // rooms beyond those listed
	Changes   string
	ApplyAt   time.Time
	RevertAt  time.Time
	Anyway    bool
	Status    string
	CreatedBy string
	Pending   bool
	Steps     []Step
	MoreSteps int
}

// Link is a room and its page.
type Link struct{ Text, URL string }

// Step is one room's apply or revert.
type Step struct {
	RoomID    string
	Kind      string // apply, revert
	Status    string
	DueAt     time.Time
	Message   string
	Flags     string
	RequestID string
	AuditURL  string
}
