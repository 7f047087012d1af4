-- The Merkle tree over audit_log (docs/AUDIT.md, "The Merkle tree"): the
-- hashes golang.org/x/mod/sumdb/tlog stores, keyed by its stored-hash index
-- (row seq k is record k-1). Written in the same transaction as the rows,
-- under the same lock, never updated: proofs then cost O(log n) reads.
-- Rows older than this migration get their hashes on the first append or
-- start (the store fills the tree in; nothing to do here).
CREATE TABLE audit_tree (
    idx  INTEGER PRIMARY KEY,
    hash BLOB    NOT NULL CHECK (length(hash) = 32)
);

CREATE TRIGGER audit_tree_no_update BEFORE UPDATE ON audit_tree
BEGIN
    SELECT RAISE(ABORT, 'audit_tree is append-only');
END;
CREATE TRIGGER audit_tree_no_delete BEFORE DELETE ON audit_tree
BEGIN
    SELECT RAISE(ABORT, 'audit_tree is append-only');
END;
