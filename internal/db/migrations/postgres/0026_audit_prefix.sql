-- The audit log's room and operator filters match by prefix. These indexes
-- order the names by bytes (the "C" collation, whatever the database's
-- own), so a prefix is a range of them: List reads a rare prefix's rows
-- from here instead of walking the log (internal/audit/sqlstore/prefix.go).
-- SQLite's audit_log_room and audit_log_actor already compare bytes.
CREATE INDEX audit_log_room_prefix ON audit_log (room_id COLLATE "C", seq);
CREATE INDEX audit_log_actor_prefix ON audit_log (actor COLLATE "C", seq);
