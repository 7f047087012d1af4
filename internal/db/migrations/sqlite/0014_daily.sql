-- Names for codes (issue 13): admins name an app's category numbers and
-- ActivityStatus codes, so pages read "Music (7)" rather than 7. One row
-- per (app, kind, code); no row means the code has no name. Every change
-- is audited as labels.update.
CREATE TABLE code_labels (
	app        TEXT    NOT NULL,
	kind       TEXT    NOT NULL CHECK (kind IN ('category', 'activity')),
	code       BIGINT  NOT NULL,
	name       TEXT    NOT NULL,
	updated_at BIGINT  NOT NULL,
	updated_by TEXT    NOT NULL,
	PRIMARY KEY (app, kind, code)
);

-- The users page shows each user's last sign-in (issue 13); sessions are
-- pruned when they expire, so it is kept on the user. NULL: never.
ALTER TABLE users ADD COLUMN last_login_us BIGINT;
