-- Notifications (issue 15): outgoing webhooks, their delivery queue, the
-- dispatcher's place in the audit log, and API tokens for /audit/stream.
-- The audit log is the source of every event: the dispatcher reads it by
-- seq and enqueues one delivery per matching webhook.

-- url is a secret (WeCom and Slack URLs embed their key): it is read only
-- to send, never shown again; url_hint (scheme, host, masked tail) is what
-- pages show. secret signs the generic format (shown once, at creation).
-- from_seq: the webhook hears of audit entries after it (its creation).
CREATE TABLE webhooks (
	id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name          TEXT    NOT NULL,
	url           TEXT    NOT NULL,
	url_hint      TEXT    NOT NULL,
	format        TEXT    NOT NULL CHECK (format IN ('generic', 'wecom', 'slack')),
	events        TEXT    NOT NULL,
	enabled       BOOLEAN NOT NULL DEFAULT TRUE,
	secret        TEXT    NOT NULL,
	from_seq      BIGINT  NOT NULL,
	created_by    TEXT    NOT NULL,
	created_at_us BIGINT  NOT NULL,
	updated_at_us BIGINT  NOT NULL
);

-- One delivery per (webhook, audit entry): the unique index is what makes a
-- dispatcher that runs twice over the same rows (a restart, two instances)
-- enqueue each once. seq is NULL for a test event. Deliveries of one
-- webhook go out in id order; status: pending → delivered | failed.
CREATE TABLE webhook_deliveries (
	id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	webhook_id      BIGINT  NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	seq             BIGINT,
	event           TEXT    NOT NULL,
	payload         TEXT    NOT NULL,
	status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_at_us      BIGINT  NOT NULL,
	last_code       INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT    NOT NULL DEFAULT '',
	created_at_us   BIGINT  NOT NULL,
	done_at_us      BIGINT  NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX webhook_deliveries_seq ON webhook_deliveries (webhook_id, seq);
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, status, id);

-- The dispatcher's cursor: every audit entry up to seq has been mapped.
CREATE TABLE notify_cursor (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT  NOT NULL
);
INSERT INTO notify_cursor (id, seq) VALUES (1, 0);

-- API tokens (bearer) for /audit/stream: only the SHA-256 of the token is
-- kept; the token is shown once. A token acts as its user with the user's
-- current role; revoked_at_us > 0 ends it.
CREATE TABLE api_tokens (
	id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name          TEXT    NOT NULL,
	hash          TEXT    NOT NULL UNIQUE,
	hint          TEXT    NOT NULL,
	created_by    TEXT    NOT NULL,
	created_at_us BIGINT  NOT NULL,
	last_used_us  BIGINT  NOT NULL DEFAULT 0,
	revoked_at_us BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
