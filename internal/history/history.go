// Package history is each room's change history (issue 14): every audit
// entry about a room, changes made outside roomdesk (an Observer of the
// rooms service that compares what Tencent holds with what roomdesk last
// recorded), and reverting a change through the one edit path. It knows
// nothing of HTTP or HTML.
package history

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// ActionChangedOutside is audit.ActionChangedOutside, for readers of this package.
const ActionChangedOutside = audit.ActionChangedOutside

// TxAppender appends an audit entry inside a transaction of the caller's
// (*sqlstore.Store), so a baseline and the event recording its change
// commit together.
type TxAppender interface {
	AppendTx(ctx context.Context, tx *sql.Tx, e *audit.Entry) error
}

// Options are a Service's dependencies besides the database.
type Options struct {
	Log    audit.Store // the audit log to read (and append reverts' links to)
	Tx     TxAppender  // the same log, appending inside a transaction
	Now    func() time.Time
	Logger *slog.Logger
	// DefaultApp is the default app's id: its rooms' history also holds
	// the rows from before apps (app '').
	DefaultApp string
}

// Service is the history of rooms, the changed-outside check (it is a
// rooms.Observer) and reverts. Safe for concurrent use.
type Service struct {
	db   *db.DB
	opts Options
}

// New returns the Service on d.
func New(d *db.DB, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{db: d, opts: opts}
}

// Page is one page of a room's history, newest first, with the reverts
// linking its entries. Next is the cursor of the next (older) page, 0 on
// the last.
type Page struct {
	Records []audit.Record
	Next    int64
	Links   Links
}

// Links are the reverts among some entries: by record seq, the reverts of
// it (newest first) and the entry it reverts.
type Links struct {
	RevertedBy map[int64][]int64
	Reverts    map[int64]int64
}

// ofApp reports whether a row about app belongs to the app asked for: its
// own rows, and for the default app also the rows from before apps.
func (s *Service) ofApp(rowApp, app string) bool {
	return rowApp == app || (rowApp == "" && app == s.opts.DefaultApp)
}

// Room is one page of the history of room id in app: every audit record
// about it (edits, bulk items, reverts, scheduled runs, changes made
// outside roomdesk, refusals), newest first, before the cursor (0: from
// the newest). It reads the audit log's room index (room_id, seq DESC), so
// a page costs the same at any depth; rows of a room of the same id in
// another app are passed over.
func (s *Service) Room(ctx context.Context, app, id string, before int64, limit int) (Page, error) {
	if limit <= 0 {
		limit = 50
	}
	var p Page
	cursor := before
	for len(p.Records) <= limit {
		pg, err := s.opts.Log.List(ctx, audit.Filter{RoomID: id}, cursor, limit+1)
		if err != nil {
			return Page{}, fmt.Errorf("history: room %q: %w", id, err)
		}
		for _, r := range pg.Records {
			if s.ofApp(r.Entry.App, app) {
				p.Records = append(p.Records, r)
			}
		}
		if pg.NextCursor == 0 || len(pg.Records) == 0 {
			break
		}
		cursor = pg.Records[len(pg.Records)-1].Entry.Seq
	}
	if len(p.Records) > limit {
		p.Records = p.Records[:limit]
		p.Next = p.Records[limit-1].Entry.Seq
	}
	seqs := make([]int64, len(p.Records))
	for i, r := range p.Records {
		seqs[i] = r.Entry.Seq
	}
	links, err := s.Links(ctx, seqs...)
	if err != nil {
		return Page{}, err
	}
	p.Links = links
	return p, nil
}

// Links finds the reverts of the given record seqs and what they revert.
func (s *Service) Links(ctx context.Context, seqs ...int64) (Links, error) {
	l := Links{RevertedBy: map[int64][]int64{}, Reverts: map[int64]int64{}}
	if len(seqs) == 0 {
		return l, nil
	}
	ph := make([]string, len(seqs))
	args := make([]any, len(seqs))
	for i, s := range seqs {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), s
	}
	in := strings.Join(ph, ", ")
	// Single reverts, then the rooms of revert jobs (from either side, each
	// query on its own index).
	const items = `SELECT bi.intent_seq, h.original_seq FROM history_item_reverts h
		JOIN bulk_items bi ON bi.job_id = h.job_id AND bi.seq = h.item_seq
		WHERE bi.intent_seq <> 0 AND bi.status = 'done' AND `
	seen := map[[2]int64]bool{}
	for _, q := range []string{
		`SELECT revert_seq, original_seq FROM history_reverts WHERE original_seq IN (` + in + `) OR revert_seq IN (` + in + `)`,
		items + `h.original_seq IN (` + in + `)`,
		items + `bi.intent_seq IN (` + in + `)`,
	} {
		if err := s.links(ctx, q, args, &l, seen); err != nil {
			return l, err
		}
	}
	for _, revs := range l.RevertedBy {
		slices.SortFunc(revs, func(a, b int64) int { return cmp.Compare(b, a) })
	}
	return l, nil
}

func (s *Service) links(ctx context.Context, q string, args []any, l *Links, seen map[[2]int64]bool) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("history: links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rev, orig int64
		if err := rows.Scan(&rev, &orig); err != nil {
			return fmt.Errorf("history: links: %w", err)
		}
		if seen[[2]int64{rev, orig}] {
			continue
		}
		seen[[2]int64{rev, orig}] = true
		l.RevertedBy[orig] = append(l.RevertedBy[orig], rev)
		l.Reverts[rev] = orig
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("history: links: %w", err)
	}
	return nil
}

// ErrNotFound is an entry that does not exist, or not in the app asked for.
var ErrNotFound = errors.New("history: no such entry in this app")
