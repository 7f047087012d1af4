-- The append-only, hash-chained audit log. See docs/AUDIT.md.
-- seq is assigned by the appender (head seq + 1) inside its transaction,
-- under an advisory lock, so the sequence has no gaps and a missing number
-- means a deleted row.
CREATE TABLE audit_log (
    seq           BIGINT  PRIMARY KEY,
    at_us         BIGINT  NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('intent', 'result', 'event')),
    intent_seq    BIGINT,
    actor         TEXT    NOT NULL DEFAULT '',
    actor_role    TEXT    NOT NULL DEFAULT '',
    client_ip     TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT '',
    action        TEXT    NOT NULL DEFAULT '',
    room_id       TEXT    NOT NULL DEFAULT '',
    job_id        TEXT    NOT NULL DEFAULT '',
    changes       TEXT    NOT NULL DEFAULT '[]',
    request_body  TEXT    NOT NULL DEFAULT '',
    response_body TEXT    NOT NULL DEFAULT '',
    action_status TEXT    NOT NULL DEFAULT '',
    error_code    BIGINT  NOT NULL DEFAULT 0,
    error_info    TEXT    NOT NULL DEFAULT '',
    request_id    TEXT    NOT NULL DEFAULT '',
    outcome       TEXT    NOT NULL DEFAULT '',
    attempts      BIGINT  NOT NULL DEFAULT 0,
    latency_ms    BIGINT  NOT NULL DEFAULT 0,
    detail        TEXT    NOT NULL DEFAULT '',
    prev_hash     TEXT    NOT NULL,
    hash          TEXT    NOT NULL,
    -- intent_seq is NULL except on result rows, so COALESCE(intent_seq, seq)
    -- is the seq of the record (intent or event) a row belongs to.
    CHECK ((kind = 'result') = (intent_seq IS NOT NULL))
);

-- One result per intent (NULLs, i.e. non-result rows, are distinct).
CREATE UNIQUE INDEX audit_log_intent_seq ON audit_log (intent_seq);

-- One index per filter, each ending in seq so a filtered page is a keyset
-- range scan ("col = $1 AND seq < cursor ORDER BY seq DESC LIMIT n").
CREATE INDEX audit_log_room    ON audit_log (room_id, seq DESC);
CREATE INDEX audit_log_actor   ON audit_log (actor, seq DESC);
CREATE INDEX audit_log_action  ON audit_log (action, seq DESC);
CREATE INDEX audit_log_request ON audit_log (request_id, seq DESC);
CREATE INDEX audit_log_job     ON audit_log (job_id, seq DESC);
-- at_us is probed, not paged: at_us never decreases along seq, so the first
-- row at or after a time turns a time range into a seq range.
CREATE INDEX audit_log_at      ON audit_log (at_us, seq);
-- Outcome lives on result rows (for intents) and event rows: index it by the
-- record seq it decides, so "outcome = X" pages are a range scan too.
CREATE INDEX audit_log_outcome ON audit_log (outcome, (COALESCE(intent_seq, seq)) DESC);

-- Intents that have no result row yet. Not part of the log and not hashed:
-- a derived index (rebuildable from audit_log, see docs/AUDIT.md) that makes
-- "outcome unknown" a range scan instead of an anti-join over every intent.
CREATE TABLE audit_open (seq BIGINT PRIMARY KEY);

-- The log is append-only in the code; this makes it so for anyone using the
-- application's role too. It does not stop someone who can drop it, which is
-- why the hash chain exists.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
