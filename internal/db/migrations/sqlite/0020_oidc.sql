-- OpenID Connect sign-in (issue 17).

-- Where a user comes from: 'local' (a password kept here) or 'oidc' (signs
-- in with the identity provider; password_hash is '' and never matches).
-- A provider user is found by (oidc_issuer, oidc_subject) only, never by
-- username, so a name chosen at the provider cannot take over a local
-- account. Both are NULL for local users (NULLs never collide in UNIQUE).
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'oidc'));
ALTER TABLE users ADD COLUMN oidc_issuer TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc_identity ON users (oidc_issuer, oidc_subject);

-- Sign-ins in progress: one row per redirect to the provider, deleted when
-- the browser comes back (single use) or found expired. state_hash is the
-- SHA-256 of the state sent; binding_hash that of a random value kept in
-- the browser's signed session cookie, so a state (or the whole callback
-- URL) replayed from another browser does not match. nonce and verifier
-- (PKCE) are random, single-use and worthless once the row is gone.
CREATE TABLE sso_flows (
	state_hash    TEXT   PRIMARY KEY,
	binding_hash  TEXT   NOT NULL,
	nonce         TEXT   NOT NULL,
	verifier      TEXT   NOT NULL,
	next          TEXT   NOT NULL DEFAULT '',
	created_at_us BIGINT NOT NULL,
	expires_at_us BIGINT NOT NULL
);
CREATE INDEX sso_flows_expires ON sso_flows (expires_at_us);
