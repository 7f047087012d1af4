-- Issue 12: atomic login throttling, a second factor, session stages.

-- A pending row is a password check in progress: it counts against the
-- number of checks a key may still have (so parallel guesses cannot exceed
-- the lock limit) but is not a failure. It becomes one (pending = false) when
-- the check fails, and is deleted when it succeeds.
ALTER TABLE login_failures ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;

-- TOTP (RFC 6238). totp_secret is the confirmed base32 secret ('' = none);
-- totp_pending holds a secret shown for enrolment until a code confirms it;
-- totp_last_step is the last time step accepted, so a code works once.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- One-time recovery codes, stored as SHA-256 hashes (they are 80 random
-- bits, so a fast hash is enough); used_at_us marks one spent.
CREATE TABLE recovery_codes (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash  TEXT   NOT NULL,
	used_at_us BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- What a session may do: 'full'; 'mfa' (password checked, second factor
-- still due); 'enrol' (policy requires a second factor the user has not set
-- up yet: only enrolment is open).
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
