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
	var v any
	if lang != "" {
		v = lang
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET language = $1 WHERE id = $2`, v, userID)
	if err != nil {
		return fmt.Errorf("auth: set language: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetTimezone saves the user's IANA time zone; "" clears it (the server's
// ROOMDESK_TIMEZONE applies again). The caller checks that the name loads.
// Not audited, like the language.
func (s *Service) SetTimezone(ctx context.Context, userID int64, zone string) error {
	var v any
	if zone != "" {
		v = zone
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET timezone = $1 WHERE id = $2`, v, userID)
	if err != nil {
		return fmt.Errorf("auth: set time zone: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
