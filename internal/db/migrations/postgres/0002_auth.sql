-- Users, server-side sessions and login throttling. Unlike the audit log
-- these rows are updated and deleted: a session is revoked, a user disabled.

-- username is stored lower-cased, so UNIQUE makes it unique case-insensitively.
-- password_changed_at_us lets a session check that the password it was
-- created under is still the current one (rehashing on login does not move it).
CREATE TABLE users (
	id                     BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username               TEXT    NOT NULL UNIQUE CHECK (username = lower(username)),
	password_hash          TEXT    NOT NULL,
	role                   TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
	disabled               BOOLEAN NOT NULL DEFAULT FALSE,
	created_at_us          BIGINT  NOT NULL,
	updated_at_us          BIGINT  NOT NULL,
	password_changed_at_us BIGINT  NOT NULL
);

-- id_hash is the hex SHA-256 of the random session id; the raw id lives only
-- in the cookie, so a database dump does not hand out live sessions.
CREATE TABLE sessions (
	id_hash       TEXT   PRIMARY KEY,
	user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at_us BIGINT NOT NULL,
	last_seen_us  BIGINT NOT NULL,
	expires_at_us BIGINT NOT NULL,
	revoked_at_us BIGINT,
	ip            TEXT   NOT NULL DEFAULT '',
	user_agent    TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at_us);

-- One row per failed password check, keyed 'u:<username>' and 'ip:<address>'.
-- Rows older than the throttle window are pruned.
CREATE TABLE login_failures (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	throttle_key TEXT   NOT NULL,
	at_us        BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (throttle_key, at_us);
CREATE INDEX login_failures_at ON login_failures (at_us);

-- A key locked out until until_us, after too many failures in the window.
CREATE TABLE login_locks (
	throttle_key TEXT   PRIMARY KEY,
	until_us     BIGINT NOT NULL
);
