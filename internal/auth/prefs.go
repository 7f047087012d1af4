package auth

import (
	"context"
	"fmt"
)

// SetLanguage saves the user's interface language; "" clears it (the
// browser's Accept-Language decides again). The caller checks that lang is
// one the console speaks. Not audited: it changes nothing but how pages
// read to that user.
func (s *Service) SetLanguage(ctx context.Context, userID int64, lang string) error {
	return s.setPref(ctx, userID, `UPDATE users SET language = $1 WHERE id = $2`, lang, "language")
}

// SetTimezone saves the user's IANA time zone; "" clears it (the server's
// ROOMDESK_TIMEZONE applies again). The caller checks that the name loads.
// Not audited, like the language.
func (s *Service) SetTimezone(ctx context.Context, userID int64, zone string) error {
	return s.setPref(ctx, userID, `UPDATE users SET timezone = $1 WHERE id = $2`, zone, "time zone")
}

// setPref runs a preference's UPDATE (q, with $1 the value and $2 the
// user): "" stores NULL, the server's default.
func (s *Service) setPref(ctx context.Context, userID int64, q, value, what string) error {
	var v any
	if value != "" {
		v = value
	}
	res, err := s.db.ExecContext(ctx, q, v, userID)
	if err != nil {
		return fmt.Errorf("auth: set %s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
