-- Catalogue search at 100,000 rooms (issue 13's acceptance): what a search
-- that cannot fill its page by walking the sort order's index looks its
-- candidates up in (internal/catalogue/searchsql.go).
--
-- Name fragments of one or two characters have no trigram, so pg_trgm
-- cannot serve them: catalogue_grams is a name's distinct characters and
-- pairs of characters, and a GIN index over it finds the rooms containing
-- a fragment of one or two characters exactly.
CREATE FUNCTION catalogue_grams(s text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT DISTINCT g FROM generate_series(1, length(s)) i,
        LATERAL (VALUES (substr(s, i, 1)), (substr(s, i, 2))) v (g))
$$;
CREATE INDEX catalogue_rooms_grams ON catalogue_rooms USING gin (catalogue_grams(name_fold));

-- A category filter ("categories" is ",4,7,") as array containment.
CREATE INDEX catalogue_rooms_categories ON catalogue_rooms USING gin (string_to_array(trim(both ',' from categories), ','));

-- The other filters: activity status first (an app's codes), then the
-- few-valued ones, so a combination seeks straight to its rooms; presence
-- alone (missing and private rooms are few); the flags, which a category's
-- rooms are intersected with (BitmapAnd) when a flag is filtered too.
CREATE INDEX catalogue_rooms_filters ON catalogue_rooms (app, activity_status, seat_mode, muted, listed, presence, detail_at_us);
CREATE INDEX catalogue_rooms_presence ON catalogue_rooms (app, presence);
CREATE INDEX catalogue_rooms_flags ON catalogue_rooms (app, muted, listed, seat_mode, presence, detail_at_us);
