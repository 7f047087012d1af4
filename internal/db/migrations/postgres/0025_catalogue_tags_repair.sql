-- 0022 was changed after it was first merged: a database that applied its
-- first version has a category GIN and three filter btrees, and lacks
-- catalogue_tags, which every filtered catalogue search now queries (it
-- fails with "function catalogue_tags does not exist"). This brings such a
-- database to what 0022 creates today; on one that applied today's 0022 it
-- changes nothing. A merged migration is never edited again
-- (docs/ARCHITECTURE.md, Migrations).
DROP INDEX IF EXISTS catalogue_rooms_categories;
DROP INDEX IF EXISTS catalogue_rooms_filters;
DROP INDEX IF EXISTS catalogue_rooms_presence;
DROP INDEX IF EXISTS catalogue_rooms_flags;
CREATE OR REPLACE FUNCTION catalogue_tags(categories text, status bigint, muted integer, listed integer, seat text, presence text, detail bigint)
    RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT 'c' || x FROM unnest(string_to_array(trim(both ',' from categories), ',')) x)
        || ARRAY['a' || status, 'l' || listed, 's' || seat, 'p' || presence]
        || CASE WHEN detail > 0 THEN ARRAY['m' || muted] ELSE '{}'::text[] END
$$;
CREATE INDEX IF NOT EXISTS catalogue_rooms_tags ON catalogue_rooms
    USING gin (catalogue_tags(categories, activity_status, muted, listed, seat_mode, presence, detail_at_us));
