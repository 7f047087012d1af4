-- Scheduled changes (issue 14): a change to one room or a set of rooms,
-- applied at a time and optionally reverted at a later one. Each run is a
-- room.update through the single-edit path (its audit entries say
-- "schedule S-<id>"); these rows hold the plan and its progress.

-- fields is the change's JSON ({"RoomName":["x"]}); on_conflict says what
-- a field changed since scheduling gets: 'skip' (skip and flag) or 'apply'.
CREATE TABLE schedules (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	app             TEXT    NOT NULL DEFAULT '',
	created_by      TEXT    NOT NULL,
	created_by_role TEXT    NOT NULL DEFAULT '',
	client_ip       TEXT    NOT NULL DEFAULT '',
	user_agent      TEXT    NOT NULL DEFAULT '',
	created_at_us   BIGINT  NOT NULL,
	fields          TEXT    NOT NULL,
	on_conflict     TEXT    NOT NULL CHECK (on_conflict IN ('skip', 'apply')),
	apply_at_us     BIGINT  NOT NULL,
	revert_at_us    BIGINT  NOT NULL DEFAULT 0,
	zone            TEXT    NOT NULL DEFAULT '',
	cancelled_by    TEXT    NOT NULL DEFAULT '',
	cancelled_at_us BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX schedules_app ON schedules (app, id);

-- One row per room and step (kind 'apply', or 'revert' at revert_at).
-- status: upcoming → running (claimed; a room.update intent may be in the
-- audit log) → done | flagged (applied, but fields changed since scheduling
-- were skipped) | skipped (nothing applied: every field was skipped, or the
-- apply step it reverts changed nothing) | failed; upcoming → cancelled.
-- expected: the values the form showed (the apply step) or the apply step
-- set (the revert step, filled in when the apply step ends); attempt: the
-- submitted and original forms of the last call, written before it is made,
-- so a step found running after a crash is re-read, not sent blindly;
-- applied/before: what the step set, and the values it replaced.
CREATE TABLE schedule_steps (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	schedule_id   BIGINT  NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
	room_id       TEXT    NOT NULL,
	kind          TEXT    NOT NULL CHECK (kind IN ('apply', 'revert')),
	due_at_us     BIGINT  NOT NULL,
	status        TEXT    NOT NULL CHECK (status IN ('upcoming', 'running', 'done', 'flagged', 'skipped', 'failed', 'cancelled')),
	fields        TEXT    NOT NULL DEFAULT '',
	expected      TEXT    NOT NULL DEFAULT '',
	attempt       TEXT    NOT NULL DEFAULT '',
	applied       TEXT    NOT NULL DEFAULT '',
	before_values TEXT    NOT NULL DEFAULT '',
	flagged       TEXT    NOT NULL DEFAULT '',
	message       TEXT    NOT NULL DEFAULT '',
	request_id    TEXT    NOT NULL DEFAULT '',
	intent_seq    BIGINT  NOT NULL DEFAULT 0,
	attempts      INTEGER NOT NULL DEFAULT 0,
	updated_at_us BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX schedule_steps_due ON schedule_steps (status, due_at_us);
CREATE INDEX schedule_steps_schedule ON schedule_steps (schedule_id, kind, room_id);
