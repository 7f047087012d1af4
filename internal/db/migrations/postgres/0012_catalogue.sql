-- The room catalogue (issue 13): roomdesk's own copy of every room it has
-- seen, so rooms can be found by name, owner or RoomId prefix (Tencent
-- cannot search). Mutable rows, not part of the audit log. room is the
-- room's get_room_info JSON as last seen; the other columns are what the
-- list filters and sorts on. name_fold is the name in lower case (search).
-- categories is ",4,7," so one category is LIKE '%,7,%'. presence:
-- 'listed' (public, seen), 'private' (read by id, not public), 'missing'
-- (public when last seen but absent from the last full sweep: gone or
-- made private). Times are Unix microseconds; create_time is Tencent's
-- CreateTime (seconds). get_room_list items carry only some fields (name,
-- owner, cover, categories, created, status, views): detail_at_us is when
-- the whole room was last read (get_room_info, or an accepted update), 0
-- if never, so muted and seat mode are known only when it is set.
CREATE TABLE catalogue_rooms (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    app             TEXT    NOT NULL,
    room_id         TEXT    NOT NULL,
    name            TEXT    NOT NULL DEFAULT '',
    name_fold       TEXT    NOT NULL DEFAULT '',
    owner           TEXT    NOT NULL DEFAULT '',
    categories      TEXT    NOT NULL DEFAULT ',',
    activity_status BIGINT  NOT NULL DEFAULT 0,
    view_count      BIGINT  NOT NULL DEFAULT 0,
    muted           INTEGER NOT NULL DEFAULT 0,
    listed          INTEGER NOT NULL DEFAULT 0,
    seat_mode       TEXT    NOT NULL DEFAULT '',
    create_time     BIGINT  NOT NULL DEFAULT 0,
    presence        TEXT    NOT NULL DEFAULT 'listed' CHECK (presence IN ('listed', 'private', 'missing')),
    seen_at_us      BIGINT  NOT NULL,
    seen_how        TEXT    NOT NULL DEFAULT '',
    detail_at_us    BIGINT  NOT NULL DEFAULT 0,
    room            TEXT    NOT NULL,
    UNIQUE (app, room_id)
);
CREATE INDEX catalogue_rooms_views   ON catalogue_rooms (app, view_count DESC, room_id);
CREATE INDEX catalogue_rooms_name    ON catalogue_rooms (app, name_fold, room_id);
CREATE INDEX catalogue_rooms_created ON catalogue_rooms (app, create_time DESC, room_id);
CREATE INDEX catalogue_rooms_owner   ON catalogue_rooms (app, owner COLLATE "C");
CREATE INDEX catalogue_rooms_seen    ON catalogue_rooms (app, seen_at_us);

-- RoomId prefixes compare byte-wise whatever the database's collation.
CREATE INDEX catalogue_rooms_id_c ON catalogue_rooms (app, room_id COLLATE "C");

-- Name search by substring, Chinese included: pg_trgm (a trusted
-- extension: a database owner may create it on PostgreSQL 13 and later)
-- indexes name_fold for LIKE '%…%'. Queries of one or two characters have
-- no trigram; PostgreSQL then scans, which is still correct.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX catalogue_rooms_name_trgm ON catalogue_rooms USING gin (name_fold gin_trgm_ops);
