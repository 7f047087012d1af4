-- Several Tencent apps in one console (issue 16).
-- The app a row is about; '' for rows about no app (sign-ins, user changes)
-- and for rows written before apps existed. The canonical encoding includes
-- it only when set, so those rows keep their hashes (docs/AUDIT.md).
ALTER TABLE audit_log ADD COLUMN app TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_app ON audit_log (app, seq DESC);

-- A bulk job edits the rooms of one app; '' is the default app (jobs from
-- before apps existed).
ALTER TABLE bulk_jobs ADD COLUMN app TEXT NOT NULL DEFAULT '';

-- Roles per app: a user's role in users.role holds for every app, unless a
-- row here sets another for one app. Admin stays global (users.role), so
-- a per-app role is viewer or operator, or none to keep the app from them.
CREATE TABLE user_app_roles (
	user_id BIGINT NOT NULL REFERENCES users (id),
	app     TEXT   NOT NULL,
	role    TEXT   NOT NULL CHECK (role IN ('none', 'viewer', 'operator')),
	PRIMARY KEY (user_id, app)
);
