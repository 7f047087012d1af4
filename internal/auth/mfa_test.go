package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/roomdesk/roomdesk/internal/audit"
	"github.com/roomdesk/roomdesk/internal/db"
)

func TestMFAEnrolUseReset(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		u := e.mustCreate(t, "ada", pw, RoleAdmin)
		en, err := e.svc.BeginEnrol(ctx, u)
		if err != nil || len(en.QRPNG) < 100 || !strings.HasPrefix(string(en.QRPNG[1:4]), "PNG") ||
			!strings.HasPrefix(en.URL, "otpauth://totp/roomdesk:ada?secret="+en.Secret) {
			t.Fatalf("enrolment: %v %q", err, en.URL)
		}
		again, _ := e.svc.BeginEnrol(ctx, u)
		if again.Secret != en.Secret {
			t.Error("a second visit made a new pending secret")
		}
		if _, err := e.svc.ConfirmEnrol(ctx, u, "000000", audit.Actor{}); !errors.Is(err, ErrBadCode) {
			t.Fatalf("wrong code confirmed: %v", err)
		}
		code, _ := totp.GenerateCode(en.Secret, e.clock.Now())
		codes, err := e.svc.ConfirmEnrol(ctx, u, code, audit.Actor{IP: "192.0.2.1", UserAgent: "ua"})
		if err != nil || len(codes) != 10 {
			t.Fatalf("confirm: %v %d", err, len(codes))
		}
		if got := e.audit.last(t); got.Action != audit.ActionMFAEnrol || got.Actor != "ada" {
			t.Errorf("enrol audit: %+v", got)
		}
		if u, _ = e.svc.ByID(ctx, u.ID); !u.MFA {
			t.Fatal("user not marked as enrolled")
		}
		// The code that confirmed enrolment cannot be used again.
		if err := e.svc.VerifySecondFactor(ctx, u, code, audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}); !errors.Is(err, ErrBadCode) {
			t.Fatalf("replayed code: %v", err)
		}
		e.clock.Add(30 * time.Second)
		next, _ := totp.GenerateCode(en.Secret, e.clock.Now())
		if err := e.svc.VerifySecondFactor(ctx, u, next, audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}); err != nil {
			t.Fatalf("next code: %v", err)
		}
		if got := e.audit.last(t); got.Action != audit.ActionMFAUsed || got.Detail != "authenticator code" {
			t.Errorf("use audit: %+v", got)
		}
		if err := e.svc.VerifySecondFactor(ctx, u, next, audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}); !errors.Is(err, ErrBadCode) {
			t.Fatalf("same code twice: %v", err)
		}
		// A recovery code works once.
		if err := e.svc.VerifySecondFactor(ctx, u, strings.ToUpper(codes[3]), audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if got := e.audit.last(t); got.Detail != "recovery code; 9 left" {
			t.Errorf("recovery audit: %+v", got)
		}
		if err := e.svc.VerifySecondFactor(ctx, u, codes[3], audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}); !errors.Is(err, ErrBadCode) {
			t.Fatalf("recovery code twice: %v", err)
		}
		// Only hashes are stored.
		var n int
		e.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE code_hash = $1`, codes[0]).Scan(&n)
		if n != 0 {
			t.Error("a recovery code is stored in clear")
		}
		// Reset: admin only, audited, factor gone.
		if err := e.svc.ResetMFA(ctx, audit.Actor{Name: "otto", Role: string(RoleOperator)}, u.ID); err != ErrForbidden {
			t.Fatalf("operator reset: %v", err)
		}
		if err := e.svc.ResetMFA(ctx, cliAdmin, u.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.audit.last(t); got.Action != audit.ActionMFAReset {
			t.Errorf("reset audit: %+v", got)
		}
		if u, _ = e.svc.ByID(ctx, u.ID); u.MFA {
			t.Fatal("still enrolled after reset")
		}
	})
}

// Wrong codes are failed sign-ins: the throttle locks guessing.
func TestMFAGuessingIsThrottled(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{Throttle: Throttle{User: Limits{SlowAfter: 100, LockAfter: 3}}})
		ctx := context.Background()
		u := e.mustCreate(t, "ada", pw, RoleAdmin)
		en, _ := e.svc.BeginEnrol(ctx, u)
		code, _ := totp.GenerateCode(en.Secret, e.clock.Now())
		if _, err := e.svc.ConfirmEnrol(ctx, u, code, audit.Actor{}); err != nil {
			t.Fatal(err)
		}
		u, _ = e.svc.ByID(ctx, u.ID)
		var le *LockedError
		for i := range 3 {
			err := e.svc.VerifySecondFactor(ctx, u, "123456", audit.Actor{IP: "192.0.2.1", UserAgent: "ua"})
			if i < 2 && !errors.Is(err, ErrBadCode) || i == 2 && !errors.As(err, &le) {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		e.clock.Add(30 * time.Second)
		good, _ := totp.GenerateCode(en.Secret, e.clock.Now())
		if err := e.svc.VerifySecondFactor(ctx, u, good, audit.Actor{IP: "192.0.2.1", UserAgent: "ua"}); !errors.As(err, &le) {
			t.Fatalf("right code while locked: %v", err)
		}
	})
}

// Self-service: the current password is required, the policy applies, and
// every other session ends while the caller gets a fresh one.
func TestChangeOwnPassword(t *testing.T) {
	forEachDialect(t, func(t *testing.T, d db.Dialect) {
		e := newEnv(t, d, Options{})
		ctx := context.Background()
		u := e.mustCreate(t, "olga", pw, RoleOperator)
		mine, _ := e.svc.CreateSession(ctx, u, audit.Actor{})
		other, _ := e.svc.CreateSession(ctx, u, audit.Actor{})
		var ve *ValidationError
		if _, err := e.svc.ChangeOwnPassword(ctx, u, "not my password", "a brand new passphrase", audit.Actor{}); !errors.As(err, &ve) || ve.Field != "current" {
			t.Fatalf("wrong current: %v", err)
		}
		if _, err := e.svc.ChangeOwnPassword(ctx, u, pw, "qwerty123456", audit.Actor{}); !errors.As(err, &ve) || ve.Field != "password" {
			t.Fatalf("common new password: %v", err)
		}
		e.clock.Add(time.Second)
		sid, err := e.svc.ChangeOwnPassword(ctx, u, pw, "a brand new passphrase", audit.Actor{IP: "192.0.2.1", UserAgent: "ua"})
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]string{"other": other, "mine (old id)": mine} {
			if _, _, err := e.svc.Session(ctx, s); !errors.Is(err, ErrNoSession) {
				t.Errorf("%s session survived: %v", name, err)
			}
		}
		if _, _, err := e.svc.Session(ctx, sid); err != nil {
			t.Fatalf("new session: %v", err)
		}
		if got := e.audit.last(t); got.Action != audit.ActionUserPassword || got.Actor != "olga" {
			t.Errorf("audit: %+v", got)
		}
		if _, err := e.svc.Authenticate(ctx, audit.Actor{}, "olga", "a brand new passphrase"); err != nil {
			t.Fatalf("sign in with the new password: %v", err)
		}
	})
}
