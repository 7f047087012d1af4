// Package sqlstore is the audit.Store on roomdesk's database, SQLite or
// PostgreSQL, with one schema meaning on both (migrations 0001_audit.sql).
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

// appendLockKey is the PostgreSQL advisory lock that serialises appenders
// across every roomdesk process sharing the database (db.Migrate uses
// 7244101). It is transaction-scoped: released by COMMIT or ROLLBACK.
const appendLockKey = 7244102

// rowsPerInsert bounds a multi-row INSERT. PostgreSQL gains from few round
// trips (24 columns * 200 rows is well below its 65535 parameters); SQLite
// has no round trips but resolves $N names in time quadratic in their
// number, so it gets small statements.
func rowsPerInsert(d db.Dialect) int {
	if d == db.Postgres {
		return 200
	}
	return 16
}

// Store is the audit log on a *db.DB. Safe for concurrent use.
type Store struct {
	db  *db.DB
	now func() time.Time
}

var _ audit.Store = (*Store)(nil)

// New returns the store. The schema comes from db.Open's migrations.
func New(d *db.DB) *Store {
	return &Store{db: d, now: time.Now}
}

// Append adds e at the head of the chain and sets e.Seq, e.Time (now if
// zero), e.PrevHash and e.Hash. It also normalises e's strings (see
// audit.Normalize). On error e is left as it was.
func (s *Store) Append(ctx context.Context, e *audit.Entry) error {
	return s.AppendBatch(ctx, []*audit.Entry{e})
}

// AppendBatch appends es in order in one transaction: all or none. Bulk
// loads (and tests that need 100,000 rows) use it; each row is chained
// exactly as Append would.
func (s *Store) AppendBatch(ctx context.Context, es []*audit.Entry) error {
	if len(es) == 0 {
		return nil
	}
	out := make([]audit.Entry, len(es))
	for i, e := range es {
		out[i] = *e
		audit.Normalize(&out[i])
		if err := check(&out[i]); err != nil {
			return err
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	defer tx.Rollback()
	if err := s.appendIn(ctx, tx, out); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	for i, e := range es {
		*e = out[i]
	}
	return nil
}

// AppendTx appends e inside the caller's transaction tx (begun on this
// store's database), so the entry and the caller's own rows commit or roll
// back together: the changed-outside check moves a room's baseline and
// records the difference as one step. It sets e's Seq, Time and hashes,
// which hold only if tx commits. On PostgreSQL it takes the append lock
// inside tx, held until tx ends, so keep tx short.
func (s *Store) AppendTx(ctx context.Context, tx *sql.Tx, e *audit.Entry) error {
	out := []audit.Entry{*e}
	audit.Normalize(&out[0])
	if err := check(&out[0]); err != nil {
		return err
	}
	if err := s.appendIn(ctx, tx, out); err != nil {
		return err
	}
	*e = out[0]
	return nil
}

// appendIn chains and inserts out (normalised and checked) in tx.
func (s *Store) appendIn(ctx context.Context, tx *sql.Tx, out []audit.Entry) error {
	tree, err := s.chain(ctx, tx, out)
	if err != nil {
		return err
	}
	if err := insert(ctx, tx, out, rowsPerInsert(s.db.Dialect)); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	if err := s.insertTree(ctx, tx, tree); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	if err := trackOpen(ctx, tx, out); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	return nil
}

func check(e *audit.Entry) error {
	switch e.Kind {
	case audit.KindResult:
		if e.IntentSeq <= 0 {
			return errors.New("audit: append: a result row needs IntentSeq")
		}
	case audit.KindIntent, audit.KindEvent:
		if e.IntentSeq != 0 {
			return fmt.Errorf("audit: append: a %s row has no IntentSeq", e.Kind)
		}
		if e.Kind == audit.KindIntent && e.Outcome == "" {
			e.Outcome = audit.OutcomePending
		}
	default:
		return fmt.Errorf("audit: append: unknown kind %q", e.Kind)
	}
	return nil
}

// lock serialises appenders. On PostgreSQL the advisory lock makes
// concurrent appenders (any process) queue here; on SQLite the transaction
// is BEGIN IMMEDIATE (the DSN's _txlock), which already holds the
// database's single write lock.
func (s *Store) lock(ctx context.Context, tx *sql.Tx) error {
	if s.db.Dialect == db.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(appendLockKey)); err != nil {
			return fmt.Errorf("audit: append lock: %w", err)
		}
	}
	return nil
}

// chain locks the head, then numbers, timestamps and hashes es after it,
// and returns the Merkle tree hashes to store for them. The seq primary
// key is the backstop: a second head+1 could never be inserted.
func (s *Store) chain(ctx context.Context, tx *sql.Tx, es []audit.Entry) ([]treeHash, error) {
	if err := s.lock(ctx, tx); err != nil {
		return nil, err
	}
	seq, atUS, hash := int64(0), int64(0), audit.GenesisHash
	err := tx.QueryRowContext(ctx,
		`SELECT seq, at_us, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &atUS, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("audit: append: read head: %w", err)
	}
	tree, err := s.frontier(ctx, tx, seq)
	if err != nil {
		return nil, fmt.Errorf("audit: append: %w", err)
	}
	var hashes []treeHash
	now := s.now()
	intents := map[int64]bool{}
	for i := range es {
		e := &es[i]
		if e.Time.IsZero() {
			e.Time = now.UTC().Truncate(time.Microsecond)
		}
		// Time never runs backwards along the chain (a stepped clock, two
		// instances with skewed clocks): List turns time ranges into seq
		// ranges, which needs at_us to be non-decreasing in seq.
		if e.Time.UnixMicro() < atUS {
			e.Time = time.UnixMicro(atUS).UTC()
		}
		atUS = e.Time.UnixMicro()
		seq++
		e.Seq, e.PrevHash = seq, hash
		if e.Kind == audit.KindIntent {
			intents[seq] = true
		}
		if e.Kind == audit.KindResult && !intents[e.IntentSeq] {
			var kind string
			err := tx.QueryRowContext(ctx, `SELECT kind FROM audit_log WHERE seq = $1`, e.IntentSeq).Scan(&kind)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("audit: append: %w", err)
			}
			if kind != string(audit.KindIntent) {
				return nil, fmt.Errorf("audit: append: result for seq %d, which is not an intent", e.IntentSeq)
			}
		}
		e.Hash = audit.ComputeHash(e.PrevHash, *e)
		hash = e.Hash
		if hashes, err = addLeaf(tree, hashes, audit.LeafHash(*e)); err != nil {
			return nil, fmt.Errorf("audit: append: tree: %w", err)
		}
	}
	return hashes, nil
}

// insert writes es with multi-row INSERTs: a bulk load costs one round trip
// per `per` rows instead of one per row.
func insert(ctx context.Context, tx *sql.Tx, es []audit.Entry, per int) error {
	for start := 0; start < len(es); start += per {
		end := min(start+per, len(es))
		args := make([]any, 0, (end-start)*len(columns))
		for i := start; i < end; i++ {
			args = append(args, values(&es[i])...)
		}
		q := insertOne // one row, as every Append: the same text each time
		if end-start > 1 {
			q = insertQuery(end - start)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			if db.IsUniqueViolation(err) {
				return fmt.Errorf("a result for that intent exists already, or seq collided: %w", err)
			}
			return err
		}
	}
	return nil
}

// insertOne inserts one row. Its text never changes, so SQLite's
// connections run their prepared statement again (db's statement cache).
var insertOne = insertQuery(1)

// insertQuery is a multi-row INSERT of n rows.
func insertQuery(n int) string {
	var q strings.Builder
	q.WriteString("INSERT INTO audit_log (" + cols("") + ") VALUES ")
	for i := range n {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for c := range columns {
			if c > 0 {
				q.WriteByte(',')
			}
			q.WriteString("$" + strconv.Itoa(i*len(columns)+c+1))
		}
		q.WriteByte(')')
	}
	return q.String()
}

// trackOpen keeps audit_open (intents without a result) in step with the
// rows just inserted. It is a derived index beside the log, not the log.
// A batch's net effect is two statements: its intents left open are added,
// the older intents it answers are removed.
func trackOpen(ctx context.Context, tx *sql.Tx, es []audit.Entry) error {
	var open, closed []any
	answered := map[int64]bool{}
	for _, e := range es {
		if e.Kind == audit.KindResult {
			answered[e.IntentSeq] = true
		}
	}
	for _, e := range es {
		switch {
		case e.Kind == audit.KindIntent && !answered[e.Seq]:
			open = append(open, e.Seq)
		case e.Kind == audit.KindResult && e.IntentSeq < es[0].Seq:
			closed = append(closed, e.IntentSeq)
		}
	}
	for start := 0; start < len(open); start += 500 {
		part := open[start:min(start+500, len(open))]
		q := "INSERT INTO audit_open (seq) VALUES (" + strings.ReplaceAll(placeholders(0, len(part)), ", ", "), (") + ")"
		if _, err := tx.ExecContext(ctx, q, part...); err != nil {
			return err
		}
	}
	for start := 0; start < len(closed); start += 500 {
		part := closed[start:min(start+500, len(closed))]
		if _, err := tx.ExecContext(ctx, "DELETE FROM audit_open WHERE seq IN ("+placeholders(0, len(part))+")", part...); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the record seq belongs to: for a result row, its intent's.
func (s *Store) Get(ctx context.Context, seq int64) (audit.Record, error) {
	var intent sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT intent_seq FROM audit_log WHERE seq = $1`, seq).Scan(&intent)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.Record{}, audit.ErrNotFound
	}
	if err != nil {
		return audit.Record{}, fmt.Errorf("audit: get: %w", err)
	}
	if intent.Valid {
		seq = intent.Int64
	}
	recs, err := s.query(ctx, recordSelect+" AND i.seq = $1", seq)
	if err != nil {
		return audit.Record{}, fmt.Errorf("audit: get: %w", err)
	}
	if len(recs) == 0 {
		return audit.Record{}, audit.ErrNotFound
	}
	return recs[0], nil
}

func (s *Store) query(ctx context.Context, q string, args ...any) ([]audit.Record, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		rec, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}
