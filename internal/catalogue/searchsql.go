package catalogue

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/roomdesk/roomdesk/internal/db"
)

// walkRooms is how many entries of the sort order a search walks before it
// takes its fragment or filters for rare and looks the matches up instead.
// (400 on PostgreSQL, whose walk fetches each entry's row, made a fragment
// with a filter, about 1% of rooms, ten times slower: too few matches in
// the walk, too many to sort in the lookup.)
const walkRooms = 1000

// statement is one query with its parameters.
type statement struct {
	text   string
	args   []any
	app    string
	serial bool // a lookup: run without parallel workers (PostgreSQL)
}

// builder writes one search statement. Every value is a parameter; only
// the shape (which conditions, which order) varies.
type builder struct {
	q       Query
	after   *cursor
	dialect db.Dialect
	args    []any
}

func (s *Store) newBuilder(q Query, after *cursor) *builder {
	return &builder{q: q, after: after, dialect: s.db.Dialect, args: []any{q.App}}
}

func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *builder) done(text string) statement {
	return statement{text: text, args: b.args, app: b.q.App}
}

// ordered is every room of the app in order, from the cursor: the sort
// order's index, walked.
func (b *builder) ordered() statement {
	order, index := sortOf(b.q.Sort)
	from := "catalogue_rooms c"
	if b.dialect == db.SQLite {
		from += " INDEXED BY " + index
	}
	where := append([]string{"c.app = $1"}, b.cursorCond("c")...)
	return b.done(`SELECT ` + roomCols + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ` + b.arg(b.q.Limit+1))
}

// walk is the first page of matches among the next walkRooms entries of
// the sort order: the entries are read from the index (w), tested, the
// first Limit+1 matches picked, and only their rows read.
func (b *builder) walk() statement {
	order, index := sortOf(b.q.Sort)
	from := "catalogue_rooms c"
	if b.dialect == db.SQLite {
		from += " INDEXED BY " + index
	}
	key := sortKey(b.q.Sort)
	where := append([]string{"c.app = $1"}, b.cursorCond("c")...)
	cols := "c.id, c.room_id, c.name_fold"
	if key != "name_fold" {
		cols += ", c." + key
	}
	inner := `SELECT ` + cols + `, c.categories, c.activity_status, c.muted, c.listed, c.seat_mode,
		c.presence, c.detail_at_us FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + ` LIMIT ` + b.arg(walkRooms)
	conds := b.filterConds("w", false)
	if b.q.Text != "" {
		conds = append(conds, b.walkText())
	}
	if len(conds) == 0 {
		conds = []string{"1 = 1"}
	}
	limit := b.arg(b.q.Limit + 1)
	picked := `SELECT w.id FROM (` + inner + `) w WHERE ` + strings.Join(conds, " AND ") +
		` ORDER BY ` + strings.ReplaceAll(order, "c.", "w.") + ` LIMIT ` + limit
	return b.done(`SELECT ` + roomCols + ` FROM catalogue_rooms c WHERE c.id IN (` + picked + `) ORDER BY ` +
		fencedOrder(b.q.Sort) + ` LIMIT ` + limit)
}

// lookup is the first page of a rare search's matches: found through the
// index that narrows most (the name's trigrams or grams, a category, the
// filters, presence), then sorted. The order is fenced so no database
// walks the sort order's index for it instead.
func (b *builder) lookup() statement {
	q := b.q
	where := append([]string{"c.app = $1"}, b.cursorCond("c")...)
	if q.Text != "" {
		where = append(where, b.lookupText())
	}
	if b.dialect == db.Postgres {
		if tags := b.tags(); len(tags) > 0 {
			where = append(where, tagsExpr+` @> ARRAY[`+strings.Join(tags, ", ")+`]::text[]`)
		}
	} else {
		where = append(where, b.filterConds("c", true)...)
	}
	from := "catalogue_rooms c"
	if b.dialect == db.SQLite && (q.Text != "" || q.Category != nil) {
		// The matches' ids are looked up by rowid; no index of the table
		// is walked for them.
		from += " NOT INDEXED"
	}
	if b.dialect == db.SQLite && q.Text == "" && q.Category == nil {
		switch {
		case q.Status != nil:
			from += " INDEXED BY catalogue_rooms_filters"
		case q.Presence != "":
			from += " INDEXED BY catalogue_rooms_presence"
		default:
			// Only few-valued filters (muted, listed, seat mode).
			from += " INDEXED BY catalogue_rooms_flags"
		}
	}
	st := b.done(`SELECT ` + roomCols + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + fencedOrder(q.Sort) + ` LIMIT ` + b.arg(q.Limit+1))
	st.serial = true
	return st
}

// cursorCond is the keyset condition: after the previous page's last room.
// The first term bounds the sort key alone, so the index is entered at
// the cursor rather than walked from its start.
func (b *builder) cursorCond(t string) []string {
	if b.after == nil {
		return nil
	}
	switch b.q.Sort {
	case SortName:
		n := b.arg(b.after.Name)
		return []string{t + ".name_fold >= " + n, "(" + t + ".name_fold > " + n + " OR " + t + ".room_id > " + b.arg(b.after.ID) + ")"}
	case SortCreated:
		n := b.arg(b.after.Num)
		return []string{t + ".create_time <= " + n, "(" + t + ".create_time < " + n + " OR " + t + ".room_id > " + b.arg(b.after.ID) + ")"}
	}
	n := b.arg(b.after.Num)
	return []string{t + ".view_count <= " + n, "(" + t + ".view_count < " + n + " OR " + t + ".room_id > " + b.arg(b.after.ID) + ")"}
}

// filterConds are the filters on table t. In a lookup on SQLite a
// category is matched through catalogue_categories, which carries the
// other filtered columns too; in a walk, on the entry. (A lookup on
// PostgreSQL uses tags instead.)
func (b *builder) filterConds(t string, lookup bool) []string {
	q := b.q
	var where []string
	if q.Category != nil {
		cat := strconv.Itoa(*q.Category)
		switch {
		case !lookup:
			where = append(where, t+".categories LIKE "+b.arg("%,"+cat+",%"))
		default:
			k := append([]string{"k.app = $1", "k.category = " + b.arg(*q.Category)}, b.flagConds("k", "k.detailed = 1")...)
			return append(where, t+".id IN (SELECT k.room FROM catalogue_categories k WHERE "+strings.Join(k, " AND ")+")")
		}
	}
	return append(where, b.flagConds(t, t+".detail_at_us > 0")...)
}

// flagConds are the filters besides the category on table t; detailed is
// the condition that the room was read by id.
func (b *builder) flagConds(t, detailed string) []string {
	q := b.q
	var where []string
	if q.Status != nil {
		where = append(where, t+".activity_status = "+b.arg(*q.Status))
	}
	if q.SeatMode != "" {
		where = append(where, t+".seat_mode = "+b.arg(q.SeatMode))
	}
	if q.Muted != nil {
		// Only a room read by id has a known muted flag.
		where = append(where, t+".muted = "+b.arg(flag(*q.Muted)), detailed)
	}
	if q.Listed != nil {
		where = append(where, t+".listed = "+b.arg(flag(*q.Listed)))
	}
	if q.Presence != "" {
		where = append(where, t+".presence = "+b.arg(string(q.Presence)))
	}
	return where
}

// tagsExpr is the expression PostgreSQL's catalogue_rooms_tags indexes
// (migration 0022): a room's category and filtered values as tags.
const tagsExpr = `catalogue_tags(c.categories, c.activity_status, c.muted, c.listed, c.seat_mode, c.presence, c.detail_at_us)`

// tags are the query's filters as catalogue_tags, each a parameter.
func (b *builder) tags() []string {
	q := b.q
	var tags []string
	add := func(t string) { tags = append(tags, b.arg(t)+"::text") }
	if q.Category != nil {
		add("c" + strconv.Itoa(*q.Category))
	}
	if q.Status != nil {
		add("a" + strconv.Itoa(*q.Status))
	}
	if q.SeatMode != "" {
		add("s" + q.SeatMode)
	}
	if q.Muted != nil {
		add("m" + strconv.Itoa(flag(*q.Muted)))
	}
	if q.Listed != nil {
		add("l" + strconv.Itoa(flag(*q.Listed)))
	}
	if q.Presence != "" {
		add("p" + string(q.Presence))
	}
	return tags
}

// prefixes are the rooms whose RoomId or owner starts with the text,
// through their indexes (byte-wise on PostgreSQL whatever the collation).
func (b *builder) prefixes() string {
	lo, hi := b.arg(b.q.Text), b.arg(b.q.Text+"\U0010FFFF")
	c := ""
	if b.dialect == db.Postgres {
		c = ` COLLATE "C"`
	}
	return `SELECT id FROM catalogue_rooms WHERE app = $1 AND room_id` + c + ` >= ` + lo + ` AND room_id` + c + ` < ` + hi +
		` UNION SELECT id FROM catalogue_rooms WHERE app = $1 AND owner` + c + ` >= ` + lo + ` AND owner` + c + ` < ` + hi
}

// walkText tests a walked entry: the name contains the fragment, or the
// RoomId or owner starts with the text.
func (b *builder) walkText() string {
	find := "instr"
	if b.dialect == db.Postgres {
		find = "strpos"
	}
	return `(` + find + `(w.name_fold, ` + b.arg(Fold(b.q.Text)) + `) > 0 OR w.id IN (` + b.prefixes() + `))`
}

// lookupText finds the rooms whose name contains the fragment, or whose
// RoomId or owner starts with the text, through indexes. SQLite: three or
// more characters are a phrase of the trigram index; one or two are a
// prefix of its terms (the indexed name ends in two U+0001, so every
// character starts a trigram: migration 0022). PostgreSQL: pg_trgm serves
// LIKE for three or more; one or two are among catalogue_grams.
func (b *builder) lookupText() string {
	fold := Fold(b.q.Text)
	short := utf8.RuneCountInString(fold) < 3
	if b.dialect == db.Postgres {
		var name string
		if short {
			name = `catalogue_grams(c.name_fold) @> ARRAY[` + b.arg(fold) + `::text]`
		} else {
			name = `c.name_fold LIKE ` + b.arg("%"+escapeLike(fold)+"%") + ` ESCAPE '\'`
		}
		lo, hi := b.arg(b.q.Text), b.arg(b.q.Text+"\U0010FFFF")
		return `(` + name + ` OR (c.room_id COLLATE "C" >= ` + lo + ` AND c.room_id COLLATE "C" < ` + hi +
			`) OR (c.owner COLLATE "C" >= ` + lo + ` AND c.owner COLLATE "C" < ` + hi + `))`
	}
	var names string
	if short {
		names = `SELECT doc FROM catalogue_name_terms WHERE term >= ` + b.arg(fold) + ` AND term < ` + b.arg(fold+"\U0010FFFF")
	} else {
		names = `SELECT rowid FROM catalogue_names WHERE catalogue_names MATCH ` + b.arg(phrase(fold))
	}
	return `c.id IN (` + names + ` UNION ` + b.prefixes() + `)`
}

// sortKey is the column a sort orders by (then by RoomId).
func sortKey(sort string) string {
	switch sort {
	case SortName:
		return "name_fold"
	case SortCreated:
		return "create_time"
	}
	return "view_count"
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
