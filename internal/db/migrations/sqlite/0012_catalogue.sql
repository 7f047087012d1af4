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
    id              INTEGER PRIMARY KEY,
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
-- The sort orders' indexes carry the name and every filtered column, so a
-- search walking one in order tests each room without reading its row.
CREATE INDEX catalogue_rooms_views   ON catalogue_rooms (app, view_count DESC, room_id, name_fold,
    categories, activity_status, muted, listed, seat_mode, presence, detail_at_us);
CREATE INDEX catalogue_rooms_name    ON catalogue_rooms (app, name_fold, room_id,
    categories, activity_status, muted, listed, seat_mode, presence, detail_at_us);
CREATE INDEX catalogue_rooms_created ON catalogue_rooms (app, create_time DESC, room_id, name_fold,
    categories, activity_status, muted, listed, seat_mode, presence, detail_at_us);
CREATE INDEX catalogue_rooms_owner   ON catalogue_rooms (app, owner);
CREATE INDEX catalogue_rooms_seen    ON catalogue_rooms (app, seen_at_us);

-- Name search by substring, Chinese included: a contentless FTS5 table
-- with the trigram tokenizer (case-folding), rowid = catalogue_rooms.id,
-- kept in step by triggers. Queries of one or two characters have no
-- trigram and fall back to LIKE over name_fold.
CREATE VIRTUAL TABLE catalogue_names USING fts5 (name, content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE TRIGGER catalogue_names_ins AFTER INSERT ON catalogue_rooms BEGIN
    INSERT INTO catalogue_names (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER catalogue_names_upd AFTER UPDATE OF name ON catalogue_rooms WHEN old.name IS NOT new.name BEGIN
    DELETE FROM catalogue_names WHERE rowid = old.id;
    INSERT INTO catalogue_names (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER catalogue_names_del AFTER DELETE ON catalogue_rooms BEGIN
    DELETE FROM catalogue_names WHERE rowid = old.id;
END;
