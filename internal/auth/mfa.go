package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/roomdesk/roomdesk/internal/audit"
)

// A second factor: TOTP (RFC 6238: 6 digits, 30 s steps, SHA-1, which is
// what every authenticator app reads from the QR code) and ten one-time
// recovery codes for a lost phone.

// ErrBadCode answers a wrong, reused or expired code.
var ErrBadCode = errors.New("auth: that code is not valid")

const (
	totpPeriod        = 30
	recoveryCodeCount = 10
	issuer            = "roomdesk"
)

// Enrolment is what the enrolment page shows: the secret as a QR code (a
// PNG) and as text, for apps that cannot scan.
type Enrolment struct {
	Secret string
	URL    string // otpauth://totp/...
	QRPNG  []byte
}

// BeginEnrol returns the pending TOTP secret for u, creating one if
// needed; it takes effect only once ConfirmEnrol sees a code made from it.
func (s *Service) BeginEnrol(ctx context.Context, u User) (Enrolment, error) {
	var pending string
	if err := s.db.QueryRowContext(ctx, `SELECT totp_pending FROM users WHERE id = $1`, u.ID).Scan(&pending); err != nil {
		return Enrolment{}, fmt.Errorf("auth: mfa: %w", err)
	}
	if pending == "" {
		key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: u.Username, Period: totpPeriod})
		if err != nil {
			return Enrolment{}, fmt.Errorf("auth: mfa: %w", err)
		}
		pending = key.Secret()
		if _, err := s.db.ExecContext(ctx, `UPDATE users SET totp_pending = $1 WHERE id = $2`, pending, u.ID); err != nil {
			return Enrolment{}, fmt.Errorf("auth: mfa: %w", err)
		}
	}
	url := fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s&period=%d&digits=6&algorithm=SHA1",
		issuer, u.Username, pending, issuer, totpPeriod)
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		return Enrolment{}, fmt.Errorf("auth: mfa: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, fmt.Errorf("auth: mfa: qr: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, fmt.Errorf("auth: mfa: qr: %w", err)
	}
	return Enrolment{Secret: pending, URL: url, QRPNG: buf.Bytes()}, nil
}

// ConfirmEnrol turns the pending secret into u's second factor when code
// was made from it, and returns fresh recovery codes (shown once; only
// their hashes are kept). Enrolling again replaces the old secret and codes.
func (s *Service) ConfirmEnrol(ctx context.Context, u User, code string, client audit.Actor) ([]string, error) {
	var pending string
	if err := s.db.QueryRowContext(ctx, `SELECT totp_pending FROM users WHERE id = $1`, u.ID).Scan(&pending); err != nil {
		return nil, fmt.Errorf("auth: mfa: %w", err)
	}
	step, ok := matchTOTP(pending, code, s.now(), 0)
	if pending == "" || !ok {
		return nil, ErrBadCode
	}
	codes := make([]string, recoveryCodeCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("auth: mfa: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = totp_pending, totp_pending = '',
		totp_last_step = $1, updated_at_us = $2 WHERE id = $3`, step, us(s.nowUS()), u.ID); err != nil {
		return nil, fmt.Errorf("auth: mfa: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, u.ID); err != nil {
		return nil, fmt.Errorf("auth: mfa: %w", err)
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`,
			u.ID, hashCode(c)); err != nil {
			return nil, fmt.Errorf("auth: mfa: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("auth: mfa: %w", err)
	}
	return codes, s.recordChange(ctx, ActorFor(u, client), audit.ActionMFAEnrol,
		fmt.Sprintf("user=%s second factor enrolled; %d recovery codes issued", u.Username, len(codes)))
}

// VerifySecondFactor checks a TOTP code (each accepted once) or an unused
// recovery code for u. Wrong codes count as failed sign-ins for u's name
// and the address, in the same throttle as passwords, so six digits cannot
// be guessed. Use and failure are audited.
func (s *Service) VerifySecondFactor(ctx context.Context, u User, code string, client audit.Actor) error {
	keys := s.keys(u.Username, client.IP)
	ids, err := s.begin(ctx, keys, s.nowUS())
	if err != nil {
		return err
	}
	wctx := context.WithoutCancel(ctx)
	entry := audit.Entry{Action: audit.ActionMFAUsed, Outcome: audit.OutcomeOK}
	entry.SetActor(ActorFor(u, client))
	how, err := s.useCode(wctx, u, code)
	if errors.Is(err, ErrBadCode) {
		if ferr := s.failed(wctx, entry, ids, keys, "wrong second-factor code"); !errors.Is(ferr, ErrInvalidCredentials) {
			return ferr // locked now, or an internal error
		}
		return ErrBadCode
	}
	if err != nil {
		return err
	}
	if err := s.succeeded(wctx, ids, u.Username); err != nil {
		return err
	}
	entry.Detail = how
	return s.record(wctx, entry)
}

// useCode accepts code as a TOTP code or a recovery code and says which.
func (s *Service) useCode(ctx context.Context, u User, code string) (string, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	var secret string
	var last int64
	if err := s.db.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = $1`, u.ID).
		Scan(&secret, &last); err != nil {
		return "", fmt.Errorf("auth: mfa: %w", err)
	}
	if secret == "" {
		return "", ErrBadCode
	}
	if len(code) == 6 {
		step, ok := matchTOTP(secret, code, s.now(), last)
		if !ok {
			return "", ErrBadCode
		}
		// Only a later step may follow: a code seen once (over a
		// shoulder, in a proxy log) cannot be replayed.
		res, err := s.db.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, u.ID)
		if err != nil {
			return "", fmt.Errorf("auth: mfa: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return "", ErrBadCode
		}
		return "authenticator code", nil
	}
	res, err := s.db.ExecContext(ctx, `UPDATE recovery_codes SET used_at_us = $1
		WHERE user_id = $2 AND code_hash = $3 AND used_at_us IS NULL`, us(s.nowUS()), u.ID, hashCode(code))
	if err != nil {
		return "", fmt.Errorf("auth: mfa: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", ErrBadCode
	}
	var left int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at_us IS NULL`,
		u.ID).Scan(&left); err != nil {
		return "", fmt.Errorf("auth: mfa: %w", err)
	}
	return fmt.Sprintf("recovery code; %d left", left), nil
}

// ResetMFA removes a user's second factor and recovery codes (a lost
// phone) and ends their sessions; they enrol again at next sign-in when the
// policy requires it. Admins only; audited.
func (s *Service) ResetMFA(ctx context.Context, actor audit.Actor, id int64) error {
	if !mayAdminister(actor) {
		return ErrForbidden
	}
	u, err := s.ByID(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_pending = '', totp_last_step = 0,
		updated_at_us = $1 WHERE id = $2`, us(s.nowUS()), id); err != nil {
		return fmt.Errorf("auth: mfa reset: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, id); err != nil {
		return fmt.Errorf("auth: mfa reset: %w", err)
	}
	n, err := s.endUserSessions(ctx, id)
	if err != nil {
		return err
	}
	return s.recordChange(ctx, actor, audit.ActionMFAReset, fmt.Sprintf("user=%s second factor removed; sessions_ended=%d", u.Username, n))
}

// matchTOTP finds the step, within one step of now, whose code is code,
// and that is after last.
func matchTOTP(secret, code string, now time.Time, last int64) (int64, bool) {
	if secret == "" || len(code) != 6 {
		return 0, false
	}
	opts := totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for _, off := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(off*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, opts)
		step := t.Unix() / totpPeriod
		if err == nil && step > last && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// newRecoveryCode is 120 random bits as 24 base32 characters in six
// groups: over ASVS 6.5.2's 112 bits, so a plain hash stores it safely.
func newRecoveryCode() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b))
	groups := make([]string, 0, 6)
	for i := 0; i < len(s); i += 4 {
		groups = append(groups, s[i:i+4])
	}
	return strings.Join(groups, "-")
}

// hashCode is what the database keeps of a recovery code. SHA-256 is
// enough (ASVS 6.5.2): the codes are 120 random bits, not guessable words.
func hashCode(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}
