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

-- The filters: a room's category and filtered values as tags ("c7",
-- "a2" for ActivityStatus 2, "l1" listed, "sApplyToTake", "pmissing", and
-- "m1"/"m0" only for a room read by id, whose muted flag is known), so any
-- combination of filters is one GIN containment query, its posting lists
-- intersected inside the index (a category with muted, a status with a
-- seat mode), however few rooms match.
CREATE FUNCTION catalogue_tags(categories text, status bigint, muted integer, listed integer, seat text, presence text, detail bigint)
    RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT 'c' || x FROM unnest(string_to_array(trim(both ',' from categories), ',')) x)
        || ARRAY['a' || status, 'l' || listed, 's' || seat, 'p' || presence]
        || CASE WHEN detail > 0 THEN ARRAY['m' || muted] ELSE '{}'::text[] END
$$;
CREATE INDEX catalogue_rooms_tags ON catalogue_rooms
    USING gin (catalogue_tags(categories, activity_status, muted, listed, seat_mode, presence, detail_at_us));
