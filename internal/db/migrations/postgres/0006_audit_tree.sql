-- The Merkle tree over audit_log (docs/AUDIT.md, "The Merkle tree"): the
-- hashes golang.org/x/mod/sumdb/tlog stores, keyed by its stored-hash index
-- (row seq k is record k-1). Written in the same transaction as the rows,
-- under the same advisory lock, never updated: proofs then cost O(log n)
-- reads. Rows older than this migration get their hashes on the first
-- append or start (the store fills the tree in; nothing to do here).
CREATE TABLE audit_tree (
    idx  BIGINT PRIMARY KEY,
    hash BYTEA  NOT NULL CHECK (octet_length(hash) = 32)
);

CREATE FUNCTION audit_tree_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_tree is append-only';
END
$$;
CREATE TRIGGER audit_tree_no_update BEFORE UPDATE OR DELETE ON audit_tree
    FOR EACH ROW EXECUTE FUNCTION audit_tree_append_only();
CREATE TRIGGER audit_tree_no_truncate BEFORE TRUNCATE ON audit_tree
    FOR EACH STATEMENT EXECUTE FUNCTION audit_tree_append_only();
