package catalogue

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

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
	order, index := sortOf(q.Sort)
	indexed, err := s.plan(ctx, q, index, order)
	if err != nil {
		return Page{}, err
	}
	sqlText, args := s.searchSQL(q, after, indexed)
	rows, err := s.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return Page{}, fmt.Errorf("catalogue: search: %w", err)
	}
	list, keys, err := scanPage(rows, q.App)
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

// searchSQL builds the query. Every value is a parameter; only the shape
// (which conditions, which order) varies.
func (s *Store) searchSQL(q Query, after *cursor, indexed bool) (string, []any) {
	args := []any{q.App}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"c.app = $1"}
	if q.Text != "" {
		where = append(where, s.textCond(q.Text, indexed, arg))
	}
	if q.Category != nil {
		where = append(where, "c.categories LIKE "+arg("%,"+strconv.Itoa(*q.Category)+",%"))
	}
	if q.Status != nil {
		where = append(where, "c.activity_status = "+arg(*q.Status))
	}
	if q.Muted != nil {
		// Only a room read by id has a known muted flag.
		where = append(where, "c.detail_at_us > 0 AND c.muted = "+arg(flag(*q.Muted)))
	}
	if q.Listed != nil {
		where = append(where, "c.listed = "+arg(flag(*q.Listed)))
	}
	if q.SeatMode != "" {
		where = append(where, "c.seat_mode = "+arg(q.SeatMode))
	}
	if q.Presence != "" {
		where = append(where, "c.presence = "+arg(string(q.Presence)))
	}
	order, index := sortOf(q.Sort)
	switch q.Sort {
	case SortName:
		if after != nil {
			n := arg(after.Name)
			where = append(where, "(c.name_fold > "+n+" OR (c.name_fold = "+n+" AND c.room_id > "+arg(after.ID)+"))")
		}
	case SortCreated:
		if after != nil {
			n := arg(after.Num)
			where = append(where, "(c.create_time < "+n+" OR (c.create_time = "+n+" AND c.room_id > "+arg(after.ID)+"))")
		}
	default:
		if after != nil {
			n := arg(after.Num)
			where = append(where, "(c.view_count < "+n+" OR (c.view_count = "+n+" AND c.room_id > "+arg(after.ID)+"))")
		}
	}
	from := "catalogue_rooms c"
	switch {
	case indexed && s.db.Dialect == db.SQLite:
		from += " INDEXED BY " + index
	case !indexed && q.Text != "" && s.db.Dialect == db.Postgres:
		// A rare fragment: keep PostgreSQL from walking the sort order's
		// index row by row (its estimates for LIKE '%…%' are poor); the
		// matches come from the trigram and prefix indexes, then a sort.
		order = fencedOrder(q.Sort)
	}
	return `SELECT ` + roomCols + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ` + arg(q.Limit+1), args
}

// textCond matches a name fragment anywhere in the name, or a RoomId or
// owner that starts with the text. On PostgreSQL pg_trgm's index serves
// LIKE. On SQLite a fragment of three or more characters is looked up in
// the trigram index, shorter ones (two Chinese characters are a whole
// word) with LIKE; see sqliteText for the plan.
func (s *Store) textCond(text string, walk bool, arg func(any) string) string {
	fold := Fold(text)
	like := arg("%" + escapeLike(fold) + "%")
	lo := arg(text)
	hi := arg(text + "\U0010FFFF")
	if s.db.Dialect == db.Postgres {
		return `(c.name_fold LIKE ` + like + ` ESCAPE '\' OR (c.room_id COLLATE "C" >= ` + lo + ` AND c.room_id COLLATE "C" < ` + hi +
			`) OR (c.owner COLLATE "C" >= ` + lo + ` AND c.owner COLLATE "C" < ` + hi + `))`
	}
	prefixes := `SELECT id FROM catalogue_rooms WHERE app = $1 AND room_id >= ` + lo + ` AND room_id < ` + hi +
		` UNION SELECT id FROM catalogue_rooms WHERE app = $1 AND owner >= ` + lo + ` AND owner < ` + hi
	if walk || utf8.RuneCountInString(fold) < 3 {
		return `(c.name_fold LIKE ` + like + ` ESCAPE '\' OR c.id IN (` + prefixes + `))`
	}
	return `c.id IN (SELECT rowid FROM catalogue_names WHERE catalogue_names MATCH ` + arg(phrase(fold)) + ` UNION ` + prefixes + `)`
}

// probeRooms is how many rooms, in the search's order, plan looks at to
// tell a common fragment from a rare one.
const probeRooms = 2000

// plan picks how a text search is answered. A fragment matching few rooms
// is best answered from the trigram index (SQLite's FTS5, PostgreSQL's
// pg_trgm): its matches looked up, then sorted. For one matching many
// rooms that reads long lists and sorts thousands of rows for one page,
// while walking the sort order's index with LIKE fills the page within a
// few hundred entries. Neither database estimates a substring's matches
// well, so the first probeRooms entries of the order are tried: if they
// hold a page of matches the fragment is common and the index is walked
// (the page is then surely found within them). On SQLite a fragment of
// one or two characters has no trigram and always walks the index, whose
// entries carry name_fold.
func (s *Store) plan(ctx context.Context, q Query, index, order string) (walk bool, err error) {
	if q.Text == "" {
		return false, nil
	}
	fold := Fold(q.Text)
	hint := ""
	if s.db.Dialect == db.SQLite {
		if utf8.RuneCountInString(fold) < 3 {
			return true, nil
		}
		hint = " INDEXED BY " + index
	}
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT c.name_fold FROM catalogue_rooms c`+hint+
		` WHERE c.app = $1 ORDER BY `+order+` LIMIT $2) p WHERE p.name_fold LIKE $3 ESCAPE '\'`,
		q.App, probeRooms, "%"+escapeLike(fold)+"%").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("catalogue: search: %w", err)
	}
	return n > q.Limit, nil
}

// fencedOrder is the sort's ORDER BY in a form no index serves.
func fencedOrder(sort string) string {
	switch sort {
	case SortName:
		return "c.name_fold || '' ASC, c.room_id ASC"
	case SortCreated:
		return "c.create_time + 0 DESC, c.room_id ASC"
	}
	return "c.view_count + 0 DESC, c.room_id ASC"
}

// sortOf is a sort's ORDER BY and the index that serves it.
func sortOf(sort string) (order, index string) {
	switch sort {
	case SortName:
		return "c.name_fold ASC, c.room_id ASC", "catalogue_rooms_name"
	case SortCreated:
		return "c.create_time DESC, c.room_id ASC", "catalogue_rooms_created"
	}
	return "c.view_count DESC, c.room_id ASC", "catalogue_rooms_views"
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
