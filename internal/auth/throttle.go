package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Throttle slows down and then locks out password guessing, separately per
// username and per client address, in the database so every instance sees
// the same counts.
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

// check returns a *LockedError when any key is locked or must still wait.
func (s *Service) check(ctx context.Context, keys []throttleKey, now time.Time) error {
	var worst *LockedError
	for _, k := range keys {
		e, err := s.checkKey(ctx, k, now)
		if err != nil {
			return err
		}
		// A lock outranks a slow-down; among equals the longest wait wins.
		if e != nil && (worst == nil || e.Err == ErrLocked && worst.Err != ErrLocked ||
			e.Err == worst.Err && e.RetryAfter > worst.RetryAfter) {
			worst = e
		}
	}
	if worst == nil {
		return nil
	}
	return worst
}

func (s *Service) checkKey(ctx context.Context, k throttleKey, now time.Time) (*LockedError, error) {
	var until int64
	err := s.db.QueryRowContext(ctx, `SELECT until_us FROM login_locks WHERE throttle_key = $1`, k.key).Scan(&until)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("auth: throttle: %w", err)
	}
	if err == nil && until > us(now) {
		return &LockedError{Err: ErrLocked, RetryAfter: fromUS(until).Sub(now)}, nil
	}
	n, last, err := s.failures(ctx, k.key, now)
	if err != nil || n < k.limits.SlowAfter {
		return nil, err
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

func (s *Service) failures(ctx context.Context, key string, now time.Time) (n int, last time.Time, err error) {
	var lastUS int64
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(at_us), 0) FROM login_failures
		WHERE throttle_key = $1 AND at_us > $2`, key, us(now.Add(-s.throttle.Window))).Scan(&n, &lastUS)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("auth: throttle: %w", err)
	}
	return n, fromUS(lastUS), nil
}

// recordFailures counts the attempt as failed for every key BEFORE the
// password is checked, so parallel guesses see each other's attempts and a
// client that hangs up mid-check is still counted. Success deletes the rows.
func (s *Service) recordFailures(ctx context.Context, keys []throttleKey, now time.Time) ([]int64, error) {
	ids := make([]int64, 0, len(keys))
	for _, k := range keys {
		var id int64
		if err := s.db.QueryRowContext(ctx, `INSERT INTO login_failures (throttle_key, at_us) VALUES ($1, $2)
			RETURNING id`, k.key, us(now)).Scan(&id); err != nil {
			return ids, fmt.Errorf("auth: throttle: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// forgive undoes recordFailures after a successful login. The username's
// older failures go too (the owner proved they know the password); the
// address's stay, so one valid account cannot reset an attacker's counter.
func (s *Service) forgive(ctx context.Context, ids []int64, name string) error {
	for _, id := range ids {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE id = $1`, id); err != nil {
			return fmt.Errorf("auth: throttle: %w", err)
		}
	}
	return s.clearThrottle(ctx, userKey(name))
}

func (s *Service) clearThrottle(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE throttle_key = $1`, key); err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_locks WHERE throttle_key = $1`, key); err != nil {
		return fmt.Errorf("auth: throttle: %w", err)
	}
	return nil
}

// lockIfDue locks every key whose failures reached its limit and returns
// those keys. It also prunes rows nobody will look at again.
func (s *Service) lockIfDue(ctx context.Context, keys []throttleKey, now time.Time) ([]throttleKey, error) {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE at_us <= $1`,
		us(now.Add(-s.throttle.Window))); err != nil {
		return nil, fmt.Errorf("auth: throttle: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_locks WHERE until_us <= $1`, us(now)); err != nil {
		return nil, fmt.Errorf("auth: throttle: %w", err)
	}
	var locked []throttleKey
	for _, k := range keys {
		n, _, err := s.failures(ctx, k.key, now)
		if err != nil {
			return nil, err
		}
		if n < k.limits.LockAfter {
			continue
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO login_locks (throttle_key, until_us) VALUES ($1, $2)
			ON CONFLICT (throttle_key) DO UPDATE SET until_us = excluded.until_us`,
			k.key, us(now.Add(s.throttle.LockFor))); err != nil {
			return nil, fmt.Errorf("auth: throttle: %w", err)
		}
		locked = append(locked, k)
	}
	return locked, nil
}
