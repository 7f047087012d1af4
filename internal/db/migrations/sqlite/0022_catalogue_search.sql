-- Catalogue search at 100,000 rooms (issue 13's acceptance): what a search
-- that cannot fill its page by walking the sort order's index looks its
-- candidates up in (internal/catalogue/searchsql.go).
--
-- Name fragments of one or two characters. The trigram index now holds the
-- folded name followed by two U+0001 (a character no search can contain),
-- so every character of a name starts a trigram: a fragment of one or two
-- characters is a prefix of the terms fts5vocab lists for the rooms
-- containing it (a range of terms, not a scan of every name).
DROP TRIGGER catalogue_names_ins;
DROP TRIGGER catalogue_names_upd;
DROP TRIGGER catalogue_names_del;
DROP TABLE catalogue_names;
CREATE VIRTUAL TABLE catalogue_names USING fts5 (name, content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE VIRTUAL TABLE catalogue_name_terms USING fts5vocab (catalogue_names, 'instance');
INSERT INTO catalogue_names (rowid, name) SELECT id, name_fold || char(1, 1) FROM catalogue_rooms;
CREATE TRIGGER catalogue_names_ins AFTER INSERT ON catalogue_rooms BEGIN
    INSERT INTO catalogue_names (rowid, name) VALUES (new.id, new.name_fold || char(1, 1));
END;
CREATE TRIGGER catalogue_names_upd AFTER UPDATE OF name_fold ON catalogue_rooms WHEN old.name_fold IS NOT new.name_fold BEGIN
    DELETE FROM catalogue_names WHERE rowid = old.id;
    INSERT INTO catalogue_names (rowid, name) VALUES (new.id, new.name_fold || char(1, 1));
END;
CREATE TRIGGER catalogue_names_del AFTER DELETE ON catalogue_rooms BEGIN
    DELETE FROM catalogue_names WHERE rowid = old.id;
END;

-- One row per room and category ("categories" is ",4,7,") with the
-- room's other filtered columns, kept by triggers, so a category filter,
-- alone or with others, finds its rooms without reading any room's row.
-- detailed is detail_at_us > 0 (the muted flag and seat mode are known).
CREATE TABLE catalogue_categories (
    app             TEXT    NOT NULL,
    category        BIGINT  NOT NULL,
    room            INTEGER NOT NULL,
    activity_status BIGINT  NOT NULL,
    seat_mode       TEXT    NOT NULL,
    muted           INTEGER NOT NULL,
    listed          INTEGER NOT NULL,
    presence        TEXT    NOT NULL,
    detailed        INTEGER NOT NULL,
    PRIMARY KEY (app, category, room)
) WITHOUT ROWID;
CREATE INDEX catalogue_categories_room ON catalogue_categories (room);
INSERT OR IGNORE INTO catalogue_categories
    SELECT c.app, j.value, c.id, c.activity_status, c.seat_mode, c.muted, c.listed, c.presence, c.detail_at_us > 0
    FROM catalogue_rooms c, json_each('[' || trim(c.categories, ',') || ']') j;
CREATE TRIGGER catalogue_categories_ins AFTER INSERT ON catalogue_rooms BEGIN
    INSERT OR IGNORE INTO catalogue_categories
        SELECT new.app, j.value, new.id, new.activity_status, new.seat_mode, new.muted, new.listed, new.presence, new.detail_at_us > 0
        FROM json_each('[' || trim(new.categories, ',') || ']') j;
END;
CREATE TRIGGER catalogue_categories_upd AFTER UPDATE OF categories, activity_status, seat_mode, muted, listed, presence, detail_at_us
    ON catalogue_rooms
    WHEN old.categories IS NOT new.categories OR old.activity_status IS NOT new.activity_status
        OR old.seat_mode IS NOT new.seat_mode OR old.muted IS NOT new.muted OR old.listed IS NOT new.listed
        OR old.presence IS NOT new.presence OR (old.detail_at_us > 0) IS NOT (new.detail_at_us > 0) BEGIN
    DELETE FROM catalogue_categories WHERE room = old.id;
    INSERT OR IGNORE INTO catalogue_categories
        SELECT new.app, j.value, new.id, new.activity_status, new.seat_mode, new.muted, new.listed, new.presence, new.detail_at_us > 0
        FROM json_each('[' || trim(new.categories, ',') || ']') j;
END;
CREATE TRIGGER catalogue_categories_del AFTER DELETE ON catalogue_rooms BEGIN
    DELETE FROM catalogue_categories WHERE room = old.id;
END;

-- The other filters: activity status first (an app's codes), then the
-- few-valued ones, so a combination seeks straight to its rooms; presence
-- alone (missing and private rooms are few); the flags, for searches with
-- neither a status nor a presence.
CREATE INDEX catalogue_rooms_filters ON catalogue_rooms (app, activity_status, seat_mode, muted, listed, presence, detail_at_us);
CREATE INDEX catalogue_rooms_presence ON catalogue_rooms (app, presence);
CREATE INDEX catalogue_rooms_flags ON catalogue_rooms (app, muted, listed, seat_mode, presence, detail_at_us);
