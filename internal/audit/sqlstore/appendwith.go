package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// AppendWith appends e, as Append does, in one transaction with the
// caller's own writes: with runs first, in a savepoint of that
// transaction, then e is appended, and one commit makes both durable. An
// edit's result and the room state it gave (the changed-outside baseline)
// then cost one disk sync, not two. with's writes are its own: if with
// fails they are undone, e is appended all the same, and with's error is
// returned as withErr (err is e's). with runs before the append lock is
// taken, so row locks it takes come before the append lock, the order the
// changed-outside check takes them in too (no deadlock on PostgreSQL).
func (s *Store) AppendWith(ctx context.Context, e *audit.Entry, with func(context.Context, *sql.Tx) error) (withErr, err error) {
	out := []audit.Entry{*e}
	audit.Normalize(&out[0])
	if err := check(&out[0]); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("audit: append: %w", err)
	}
	defer tx.Rollback()
	if with != nil {
		withErr = savepoint(ctx, tx, with)
	}
	if err := s.appendIn(ctx, tx, out); err != nil {
		return withErr, err
	}
	if err := tx.Commit(); err != nil {
		return withErr, fmt.Errorf("audit: append: %w", err)
	}
	*e = out[0]
	return withErr, nil
}

// savepoint runs fn in a savepoint of tx, and undoes its writes if it
// fails. An error undoing them is fn's error too: tx is then unusable, and
// the append after it fails on its own.
func savepoint(ctx context.Context, tx *sql.Tx, fn func(context.Context, *sql.Tx) error) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT append_with`); err != nil {
		return fmt.Errorf("audit: savepoint: %w", err)
	}
	if err := fn(ctx, tx); err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT append_with`); rerr != nil {
			return errors.Join(err, fmt.Errorf("audit: undo: %w", rerr))
		}
		return err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT append_with`); err != nil {
		return fmt.Errorf("audit: savepoint: %w", err)
	}
	return nil
}
