-- Bulk edits (issue 8): a job and its items. Unlike the audit log these rows
-- are updated as the job runs; every edit an item makes is still audited
-- (intent and result rows carrying the job id) through the single-edit path.

-- fields is the JSON of the change every room gets ({"RoomName":["x"]});
-- the final counts are written when the job ends (while it runs they are
-- counted from bulk_items).
CREATE TABLE bulk_jobs (
	id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	created_by      TEXT    NOT NULL,
	created_by_role TEXT    NOT NULL DEFAULT '',
	client_ip       TEXT    NOT NULL DEFAULT '',
	user_agent      TEXT    NOT NULL DEFAULT '',
	created_at_us   BIGINT  NOT NULL,
	started_at_us   BIGINT  NOT NULL DEFAULT 0,
	finished_at_us  BIGINT  NOT NULL DEFAULT 0,
	status          TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'cancelled', 'done')),
	source          TEXT    NOT NULL DEFAULT '',
	fields          TEXT    NOT NULL,
	total_items     INTEGER NOT NULL,
	done_count      INTEGER NOT NULL DEFAULT 0,
	failed_count    INTEGER NOT NULL DEFAULT 0,
	skipped_count   INTEGER NOT NULL DEFAULT 0,
	cancelled_by    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX bulk_jobs_status ON bulk_jobs (status, id);

-- One row per room. fields is the full change for this room (the job's,
-- overridden by its CSV row). status: pending → sending (claimed; the
-- intent may be in the audit log) → done | failed | skipped.
CREATE TABLE bulk_items (
	job_id        BIGINT  NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
	seq           INTEGER NOT NULL,
	line          INTEGER NOT NULL DEFAULT 0,
	room_id       TEXT    NOT NULL,
	fields        TEXT    NOT NULL,
	status        TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'done', 'failed', 'skipped')),
	request_id    TEXT    NOT NULL DEFAULT '',
	error_code    INTEGER NOT NULL DEFAULT 0,
	error_info    TEXT    NOT NULL DEFAULT '',
	message       TEXT    NOT NULL DEFAULT '',
	changes       TEXT    NOT NULL DEFAULT '',
	attempts      INTEGER NOT NULL DEFAULT 0,
	intent_seq    BIGINT  NOT NULL DEFAULT 0,
	updated_at_us BIGINT  NOT NULL DEFAULT 0,
	PRIMARY KEY (job_id, seq)
);
CREATE INDEX bulk_items_status ON bulk_items (job_id, status, seq);
CREATE INDEX bulk_items_updated ON bulk_items (job_id, updated_at_us);
