-- The catalogue's background sweep of get_room_list, one row per app
-- (issue 13). A sweep in progress keeps Tencent's page cursor (next) so a
-- restarted or another instance resumes it; finished_at_us is when the
-- last full sweep ended (the freshness the page shows). Times are Unix
-- microseconds, 0 = never.
CREATE TABLE catalogue_sync (
    app            TEXT    PRIMARY KEY,
    started_at_us  BIGINT  NOT NULL DEFAULT 0,
    next_cursor    TEXT    NOT NULL DEFAULT '',
    pages          INTEGER NOT NULL DEFAULT 0,
    seen           INTEGER NOT NULL DEFAULT 0,
    finished_at_us BIGINT  NOT NULL DEFAULT 0,
    last_started_us BIGINT NOT NULL DEFAULT 0,
    last_seen      INTEGER NOT NULL DEFAULT 0,
    last_missing   INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT    NOT NULL DEFAULT ''
);
