-- Reverting a finished bulk job as a new job (issue 14).

-- A job's room may carry the values it must still hold (original: a
-- rooms.Form as JSON, '' for none), checked like the orig_* inputs of the
-- room form, so a revert never overwrites a field changed since; and the
-- note its audit entries carry ("reverts #12", audit.Actor.Note).
ALTER TABLE bulk_items ADD COLUMN original TEXT NOT NULL DEFAULT '';
ALTER TABLE bulk_items ADD COLUMN note TEXT NOT NULL DEFAULT '';
-- Which item's entry reverts which entry is looked up from either side.
CREATE INDEX bulk_items_intent ON bulk_items (intent_seq);

-- The rooms of a revert job and the entries they revert.
CREATE TABLE history_item_reverts (
	job_id       BIGINT  NOT NULL,
	item_seq     INTEGER NOT NULL,
	original_seq BIGINT  NOT NULL,
	PRIMARY KEY (job_id, item_seq)
);
CREATE INDEX history_item_reverts_original ON history_item_reverts (original_seq);
