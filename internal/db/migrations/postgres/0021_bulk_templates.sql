-- Bulk templates (issue 13): saved change sets for changes made often. A
-- template is the bulk form's field changes ({"Notice":["Sale tonight"]},
-- the same JSON as schedules.fields), never rooms, in one app. Names are
-- unique per app as people read it (name_fold: NFKC, case-folded, invisible
-- format characters dropped; internal/changeset fold). Saving
-- and removing one is audited as template.save and template.delete.
CREATE TABLE bulk_templates (
	id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	app           TEXT    NOT NULL DEFAULT '',
	name          TEXT    NOT NULL,
	name_fold     TEXT    NOT NULL,
	fields        TEXT    NOT NULL,
	created_by    TEXT    NOT NULL,
	created_at_us BIGINT  NOT NULL
);
CREATE UNIQUE INDEX bulk_templates_name ON bulk_templates (app, name_fold);
