-- Four-eyes approval (issue 15): per app, which changes need a second
-- person, and the change requests waiting for (or given) that person's
-- decision. The audit log's schema does not change: the links between a
-- request's audit entries (create, approve, the resulting room.update...)
-- live in approval_links.

-- fields: the room fields (update_room_info names, comma-separated) whose
-- change needs approval; bulk_above: a bulk job of more rooms than this
-- needs approval (0: none does); expiry_minutes: how long a request waits.
-- No row: the default, nothing needs approval.
CREATE TABLE approval_policies (
	app            TEXT    PRIMARY KEY,
	fields         TEXT    NOT NULL DEFAULT '',
	bulk_above     INTEGER NOT NULL DEFAULT 0,
	expiry_minutes INTEGER NOT NULL DEFAULT 1440,
	updated_at_us  BIGINT  NOT NULL,
	updated_by     TEXT    NOT NULL
);

-- One change request. kind 'room': one room, changes holds each field's
-- values before (as the requester saw them) and after; kind 'bulk': plan
-- holds the bulk job's plan, started on approval. status moves once, from
-- pending to one of the others ('stale': approved, but a field changed
-- since it was requested, so nothing was sent), by a conditional UPDATE,
-- so of two deciders exactly one wins.
CREATE TABLE approval_requests (
	id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	app            TEXT    NOT NULL,
	kind           TEXT    NOT NULL CHECK (kind IN ('room', 'bulk')),
	room_id        TEXT    NOT NULL DEFAULT '',
	room_count     INTEGER NOT NULL DEFAULT 1,
	changes        TEXT    NOT NULL DEFAULT '[]',
	plan           TEXT    NOT NULL DEFAULT '',
	reason         TEXT    NOT NULL,
	requested_by   TEXT    NOT NULL,
	requested_role TEXT    NOT NULL DEFAULT '',
	created_at_us  BIGINT  NOT NULL,
	expires_at_us  BIGINT  NOT NULL,
	status         TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'cancelled', 'stale')),
	decided_by     TEXT    NOT NULL DEFAULT '',
	decided_at_us  BIGINT  NOT NULL DEFAULT 0,
	comment        TEXT    NOT NULL DEFAULT '',
	outcome        TEXT    NOT NULL DEFAULT '',
	message        TEXT    NOT NULL DEFAULT '',
	tencent_request_id TEXT NOT NULL DEFAULT '',
	job_id         BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX approval_requests_app ON approval_requests (app, status, id);
CREATE INDEX approval_requests_expiry ON approval_requests (status, expires_at_us);

-- The audit entries of a request, in order: step is create, approve,
-- reject, expire, cancel, refused (a self-approval), update (the room.update
-- intent the approval ran) or stale.
CREATE TABLE approval_links (
	request_id BIGINT NOT NULL REFERENCES approval_requests (id),
	seq        BIGINT NOT NULL,
	step       TEXT   NOT NULL,
	PRIMARY KEY (request_id, seq)
);
CREATE INDEX approval_links_seq ON approval_links (seq);
