package sso

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// flow is one redirect to the provider, stored until the browser is back.
type flow struct {
	state, binding, nonce, verifier, next string
	expires                               time.Time
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (s *Service) saveFlow(ctx context.Context, f flow) error {
	now := s.opts.Now()
	// Expired flows go here rather than in a background job: sign-ins
	// are frequent enough to keep the table small.
	if _, err := s.opts.DB.ExecContext(ctx, `DELETE FROM sso_flows WHERE expires_at_us <= $1`, now.UnixMicro()); err != nil {
		return fmt.Errorf("sso: prune flows: %w", err)
	}
	if _, err := s.opts.DB.ExecContext(ctx, `INSERT INTO sso_flows
		(state_hash, binding_hash, nonce, verifier, next, created_at_us, expires_at_us)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		hash(f.state), hash(f.binding), f.nonce, f.verifier, f.next, now.UnixMicro(), now.Add(s.opts.FlowTTL).UnixMicro()); err != nil {
		return fmt.Errorf("sso: save flow: %w", err)
	}
	return nil
}

// Reasons a state is refused (the audit row says which).
var (
	errUnknownState = errors.New("bad state: unknown, tampered with or already used")
	errOtherBrowser = errors.New("bad state: the sign-in was started in another browser")
	errFlowExpired  = errors.New("bad state: the sign-in took longer than allowed and expired")
)

// takeFlow removes and returns the flow of state: one statement, so two
// callbacks with the same state (a replay, a double click) cannot both
// get it. The flow must also belong to this browser and be unexpired.
func (s *Service) takeFlow(ctx context.Context, state, binding string) (flow, error) {
	if state == "" {
		return flow{}, errUnknownState
	}
	var f flow
	var bindingHash string
	var expires int64
	err := s.opts.DB.QueryRowContext(ctx, `DELETE FROM sso_flows WHERE state_hash = $1
		RETURNING binding_hash, nonce, verifier, next, expires_at_us`, hash(state)).
		Scan(&bindingHash, &f.nonce, &f.verifier, &f.next, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return flow{}, errUnknownState
	}
	if err != nil {
		return flow{}, fmt.Errorf("sso: take flow: %w", err)
	}
	f.state, f.expires = state, time.UnixMicro(expires)
	if binding == "" || subtle.ConstantTimeCompare([]byte(hash(binding)), []byte(bindingHash)) != 1 {
		return f, errOtherBrowser
	}
	if !s.opts.Now().Before(f.expires) {
		return f, errFlowExpired
	}
	return f, nil
}
