package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roomdesk/roomdesk/internal/db"
)

// Throttle slows down and then locks out password guessing, separately per
// username and per client address, in the database so every instance sees
// the same counts.
//
// Checking and counting are one atomic step per attempt (begin): under a
// lock it reads the counts and reserves a pending row per key, so parallel
// guesses see each other and at most LockAfter passwords are ever checked
// per key in a window. Only failures count: a pending row that succeeds is
// deleted, so a burst of honest sign-ins from one address is not throttled.
//
// Throttled attempts are refused at once with a retry-after instead of being
// held in a sleep: a sleeping request does not slow an attacker who simply
// opens more connections, while it does tie up the server; an immediate
// refusal costs no password hash and tells a real user how long to wait.
type Throttle struct {
	Window    time.Duration // failures older than this are forgotten; 15m
	BaseDelay time.Duration // wait after SlowAfter failures, doubling each further one; 1s
	MaxDelay  time.Duration // cap on that wait; 30s
	LockFor   time.Duration // lockout length once LockAfter is reached; 15m
	User      Limits        // per username: slow after 3, lock after 10
	IP        Limits        // per address: slow after 10, lock after 30 (offices share a NAT)
}

// Limits are the failure counts, within the window, that start slowing down
// and that lock.
type Limits struct {
	SlowAfter int
	LockAfter int
}

func (t Throttle) withDefaults() Throttle {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.Window, 15*time.Minute)
	def(&t.BaseDelay, time.Second)
	def(&t.MaxDelay, 30*time.Second)
	def(&t.LockFor, 15*time.Minute)
	if t.User == (Limits{}) {
		t.User = Limits{SlowAfter: 3, LockAfter: 10}
	}
	if t.IP == (Limits{}) {
		t.IP = Limits{SlowAfter: 10, LockAfter: 30}
	}
	return t
}

// throttleKey is one counter: a username or a client address.
type throttleKey struct {
	key    string
	kind   string // "username" or "ip", for the audit detail
	limits Limits
}

func userKey(name string) string { return "u:" + clip(name, 64) }

func (s *Service) keys(name, ip string) []throttleKey {
	ks := []throttleKey{{userKey(name), "username", s.throttle.User}}
	if ip != "" {
		ks = append(ks, throttleKey{"ip:" + clip(ip, 64), "ip", s.throttle.IP})
	}
	return ks
}

// throttleLockKey is the PostgreSQL advisory lock (transaction-scoped) that
// makes begin and fail atomic across instances; db.Migrate uses 7244101 and
// the audit appender 7244102. On SQLite the immediate transaction's write
// lock does the same.
const throttleLockKey = 7244103

// inTx runs fn in a transaction that holds the throttle lock.
func (s *Service) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	defer tx.Rollback()
	if s.db.Dialect == db.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(throttleLockKey)); err != nil {
			return fmt.Errorf("auth: throttle: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	return nil
}

// begin is the atomic check-and-reserve: it refuses with a *LockedError when
// any key is locked, must still wait, or already has as many checks failed
// or in progress as its lock limit; otherwise it reserves a pending row per
// key and returns their ids.
func (s *Service) begin(ctx context.Context, keys []throttleKey, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var worst *LockedError
		for _, k := range keys {
			e, err := s.checkKey(ctx, tx, k, now)
			if err != nil {
				return err
			}
			// A lock outranks a slow-down; among equals the longest wait wins.
			if e != nil && (worst == nil || e.Err == ErrLocked && worst.Err != ErrLocked ||
				e.Err == worst.Err && e.RetryAfter > worst.RetryAfter) {
				worst = e
			}
		}
		if worst != nil {
			return worst
		}
		for _, k := range keys {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO login_failures (throttle_key, at_us, pending)
				VALUES ($1, $2, $3) RETURNING id`, k.key, us(now), true).Scan(&id); err != nil {
				return fmt.Errorf("auth: throttle: %w", err)
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

func (s *Service) checkKey(ctx context.Context, tx *sql.Tx, k throttleKey, now time.Time) (*LockedError, error) {
	var until int64
	err := tx.QueryRowContext(ctx, `SELECT until_us FROM login_locks WHERE throttle_key = $1`, k.key).Scan(&until)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("auth: throttle: %w", err)
	}
	if err == nil && until > us(now) {
		return &LockedError{Err: ErrLocked, RetryAfter: fromUS(until).Sub(now)}, nil
	}
	n, pending, last, err := s.failures(ctx, tx, k.key, now)
	if err != nil {
		return nil, err
	}
	if n+pending >= k.limits.LockAfter {
		// As many checks are failed or still running as may ever fail:
		// one more could pass the limit before the running ones lock.
		return &LockedError{Err: ErrThrottled, RetryAfter: s.throttle.BaseDelay}, nil
	}
	if n < k.limits.SlowAfter {
		return nil, nil
	}
	if next := last.Add(s.delay(n - k.limits.SlowAfter)); next.After(now) {
		return &LockedError{Err: ErrThrottled, RetryAfter: next.Sub(now)}, nil
	}
	return nil, nil
}

// delay is BaseDelay doubled extra times, capped at MaxDelay.
func (s *Service) delay(extra int) time.Duration {
	d := s.throttle.BaseDelay
	for i := 0; i < extra && d < s.throttle.MaxDelay; i++ {
		d *= 2
	}
	return min(d, s.throttle.MaxDelay)
}

// staleCheck is how long a pending row holds its place: a check takes well
// under a second, so an older one belongs to a process that died mid-check.
const staleCheck = time.Minute

// failures counts a key's failures and pending checks in the window, and
// when the last failure was.
func (s *Service) failures(ctx context.Context, tx *sql.Tx, key string, now time.Time) (n, pending int, last time.Time, err error) {
	var lastUS int64
	err = tx.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN pending THEN 0 ELSE 1 END), 0),
		COALESCE(SUM(CASE WHEN pending AND at_us > $3 THEN 1 ELSE 0 END), 0),
		COALESCE(MAX(CASE WHEN pending THEN 0 ELSE at_us END), 0)
		FROM login_failures WHERE throttle_key = $1 AND at_us > $2`,
		key, us(now.Add(-s.throttle.Window)), us(now.Add(-staleCheck))).Scan(&n, &pending, &lastUS)
	if err != nil {
		return 0, 0, time.Time{}, fmt.Errorf("auth: throttle: %w", err)
	}
	return n, pending, fromUS(lastUS), nil
}

// succeeded drops the attempt's pending rows. The username's older failures
// go too (the owner proved they know the password); the address's stay, so
// one valid account cannot reset an attacker's counter.
func (s *Service) succeeded(ctx context.Context, ids []int64, name string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE id = $1`, id); err != nil {
				return fmt.Errorf("auth: throttle: %w", err)
			}
		}
		return clearKey(ctx, tx, userKey(name))
	})
}

func (s *Service) clearThrottle(ctx context.Context, key string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return clearKey(ctx, tx, key) })
}

func clearKey(ctx context.Context, tx *sql.Tx, key string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE throttle_key = $1`, key); err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_locks WHERE throttle_key = $1`, key); err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	return nil
}

// failedCheck turns the attempt's pending rows into failures and, in the
// same step, locks every key whose failures reached its limit; it returns
// those keys. It also prunes rows nobody will look at again.
func (s *Service) failedCheck(ctx context.Context, ids []int64, keys []throttleKey, now time.Time) ([]throttleKey, error) {
	var locked []throttleKey
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE login_failures SET pending = $1, at_us = $2 WHERE id = $3`,
				false, us(now), id); err != nil {
				return fmt.Errorf("auth: throttle: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at_us <= $1`,
			us(now.Add(-s.throttle.Window))); err != nil {
			return fmt.Errorf("auth: throttle: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_locks WHERE until_us <= $1`, us(now)); err != nil {
			return fmt.Errorf("auth: throttle: %w", err)
		}
		for _, k := range keys {
			n, _, _, err := s.failures(ctx, tx, k.key, now)
			if err != nil {
				return err
			}
			if n < k.limits.LockAfter {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_locks (throttle_key, until_us) VALUES ($1, $2)
				ON CONFLICT (throttle_key) DO UPDATE SET until_us = excluded.until_us`,
				k.key, us(now.Add(s.throttle.LockFor))); err != nil {
				return fmt.Errorf("auth: throttle: %w", err)
			}
			locked = append(locked, k)
		}
		return nil
	})
	return locked, err
}
