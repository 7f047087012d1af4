-- Each room's history, changes made outside roomdesk, revert (issue 14).

-- The last values roomdesk recorded for a room of an app: set when a read or
-- an accepted update shows values that differ from it. fields is a JSON
-- object, field name → the value's JSON text as the audit log records it; a
-- room seen only on a list page holds the listed fields alone. seen_seq is
-- the audit log's head when it was last set: a roomdesk update whose outcome
-- is unknown after it may explain a difference (docs/HISTORY.md).
CREATE TABLE room_baselines (
	app           TEXT    NOT NULL,
	room_id       TEXT    NOT NULL,
	fields        TEXT    NOT NULL,
	seen_seq      BIGINT  NOT NULL DEFAULT 0,
	updated_at_us BIGINT  NOT NULL,
	PRIMARY KEY (app, room_id)
);

-- A revert and the change it reverts, both audit entries (the record seqs:
-- the intents). The revert's own entry says "reverts #N" in its detail.
CREATE TABLE history_reverts (
	revert_seq    BIGINT  NOT NULL PRIMARY KEY,
	original_seq  BIGINT  NOT NULL,
	app           TEXT    NOT NULL DEFAULT '',
	created_at_us BIGINT  NOT NULL
);
CREATE INDEX history_reverts_original ON history_reverts (original_seq, revert_seq);

-- A finished bulk job reverted as a new job: one revert job per job, so a
-- double-clicked button cannot start two.
CREATE TABLE history_job_reverts (
	job_id        BIGINT  NOT NULL PRIMARY KEY,
	revert_job_id BIGINT  NOT NULL UNIQUE,
	app           TEXT    NOT NULL DEFAULT '',
	created_at_us BIGINT  NOT NULL
);
