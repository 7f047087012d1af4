-- The apps each live instance shares the pace of (issue 16): instances may
-- load different apps files, so each app's quota is divided by the live
-- instances that serve that app, not by every instance. Heartbeat rows,
-- mutable, not part of the audit log; removed with their instance.
CREATE TABLE instance_apps (
    instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    app         TEXT NOT NULL,
    PRIMARY KEY (instance_id, app)
);
CREATE INDEX instance_apps_app ON instance_apps (app);
