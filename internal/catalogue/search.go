package catalogue

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/roomdesk/roomdesk/internal/db"
)

// Page is one page of a search.
type Page struct {
	Rooms []Room
	Next  string // the cursor of the next page; "" on the last
}

// ErrBadCursor is a page cursor that was not made by this search (edited,
// truncated, or from another search): the caller starts again.
var ErrBadCursor = errors.New("catalogue: this page link is not valid")

// DefaultLimit is a page's size when the query does not say.
const DefaultLimit = 20

// Search returns one page of the rooms matching q, in q.Sort order.
//
// A search that narrows the catalogue first walks the sort order's index
// from the cursor, at most walkRooms entries, testing each (on SQLite the
// sort indexes carry the name and every filtered column, so the walk reads
// no rows): a common fragment or filter fills its page within a few hundred
// entries. If the walk does not fill the page, the matches are rare, and
// they are looked up instead (the trigram, category and filter indexes;
// searchsql.go), then sorted: few rooms, since fewer than a page of them
// were among the walked entries. Neither database estimates a substring's
// matches or a combination of filters well, which is why the walk decides
// and not the planner. Nothing counts the matches.
func (s *Store) Search(ctx context.Context, q Query) (Page, error) {
	s.Flush()
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	if q.Sort == "" {
		q.Sort = SortViews
	}
	var after *cursor
	if q.After != "" {
		c, err := decodeCursor(q)
		if err != nil {
			return Page{}, err
		}
		after = &c
	}
	var list []Room
	var keys []sortKeys
	var err error
	if !q.Filtered() {
		list, keys, err = s.run(ctx, s.newBuilder(q, after).ordered())
	} else {
		list, keys, err = s.run(ctx, s.newBuilder(q, after).walk())
		if err == nil && len(list) <= q.Limit {
			list, keys, err = s.run(ctx, s.newBuilder(q, after).lookup())
		}
	}
	if err != nil {
		return Page{}, err
	}
	var p Page
	if len(list) > q.Limit {
		list, keys = list[:q.Limit], keys[:q.Limit]
		p.Next = encodeCursor(q, keys[len(keys)-1])
	}
	p.Rooms = list
	return p, nil
}

func (s *Store) run(ctx context.Context, st statement) ([]Room, []sortKeys, error) {
	if st.serial && s.db.Dialect == db.Postgres {
		return s.runSerial(ctx, st)
	}
	rows, err := s.db.QueryContext(ctx, st.text, st.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("catalogue: search: %w", err)
	}
	return scanPage(rows, st.app)
}

// runSerial runs a lookup on PostgreSQL without parallel workers: it
// returns at most a page, and its estimates (filters taken as independent)
// can be thousands of rows, for which the planner would start workers
// whose start costs more than the whole lookup.
func (s *Store) runSerial(ctx context.Context, st statement) ([]Room, []sortKeys, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, fmt.Errorf("catalogue: search: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
		return nil, nil, fmt.Errorf("catalogue: search: %w", err)
	}
	rows, err := tx.QueryContext(ctx, st.text, st.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("catalogue: search: %w", err)
	}
	return scanPage(rows, st.app)
}

// phrase quotes text as one FTS5 phrase: with the trigram tokenizer, the
// rows whose name contains it.
func phrase(text string) string {
	return `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// cursor is where the previous page ended: its last row's sort key and
// RoomId, with the search it belongs to.
type cursor struct {
	Sort string `json:"s"`
	Num  int64  `json:"n,omitempty"`
	Name string `json:"t,omitempty"`
	ID   string `json:"i"`
}

// cursorPrefix names the cursor format.
const cursorPrefix = "v1"

// encodeCursor makes the opaque page cursor: the position, and a check
// over it and the search, so an edited cursor or one carried over to
// another search is refused rather than answering a page of something else.
func encodeCursor(q Query, k sortKeys) string {
	c := cursor{Sort: q.Sort, ID: k.id}
	switch q.Sort {
	case SortName:
		c.Name = k.name
	case SortCreated:
		c.Num = k.created
	default:
		c.Num = k.views
	}
	b, _ := json.Marshal(c)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return cursorPrefix + payload + "." + cursorCheck(q, payload)
}

func cursorCheck(q Query, payload string) string {
	h := sha256.Sum256([]byte("roomdesk catalogue cursor\x00" + q.App + "\x00" + q.Values().Encode() + "\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(h[:12])
}

// MaxCursor bounds a cursor's length (a name of 64 characters, in JSON,
// in base64, with its check, fits well within it).
const MaxCursor = 512

func decodeCursor(q Query) (cursor, error) {
	s := q.After
	if len(s) > MaxCursor || !strings.HasPrefix(s, cursorPrefix) {
		return cursor{}, ErrBadCursor
	}
	payload, check, ok := strings.Cut(strings.TrimPrefix(s, cursorPrefix), ".")
	if !ok || check != cursorCheck(q, payload) {
		return cursor{}, ErrBadCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return cursor{}, ErrBadCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Sort != q.Sort || c.ID == "" {
		return cursor{}, ErrBadCursor
	}
	return c, nil
}
